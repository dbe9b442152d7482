package detector

import (
	"testing"
	"time"
)

func TestPolicy(t *testing.T) {
	at := time.Unix(1_760_000_000, 0)
	up := Change{Direction: Up, Pct: 5, Abs: 0.5, Time: at, Duration: time.Hour, Points: 12}
	tests := []struct {
		name string
		p    Policy
		c    Change
		want bool
	}{
		{"default up", DefaultPolicy(), up, true},
		{"default down", DefaultPolicy(), Change{Direction: Down, Pct: -5, Time: at, Duration: time.Hour}, false},
		{"lower is worse", Policy{LowerIsWorse: true}, Change{Direction: Down, Pct: -5, Points: 1}, true},
		{"too small pct", Policy{MinPct: 10}, up, false},
		{"too small abs", Policy{MinAbs: 1}, up, false},
		{"too short", Policy{MinDuration: 2 * time.Hour}, up, false},
		{"too few points", Policy{MinPoints: 13}, up, false},
		{"went away", Policy{}, Change{Direction: Up, Pct: 5, WentAway: true}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.IsRegression(tt.c); got != tt.want {
				t.Errorf("IsRegression = %v, want %v", got, tt.want)
			}
		})
	}
	cs := DefaultPolicy().Apply([]Change{up, {Direction: Down}})
	if !cs[0].Regression || cs[1].Regression {
		t.Errorf("Apply = %+v", cs)
	}
}

func TestFingerprint(t *testing.T) {
	key := LabelsKey(map[string]string{"service": "api", "__name__": "cpu"})
	if key != `{__name__="cpu",service="api"}` {
		t.Fatalf("key %s", key)
	}
	base := time.Date(2025, 10, 10, 10, 0, 0, 0, time.UTC)
	c := Change{Direction: Up, Time: base.Add(20 * time.Minute), Index: 400}
	moved := c
	moved.Time, moved.Index = base.Add(35*time.Minute), 403 // re-scan: a few points later
	if Fingerprint(key, c) != Fingerprint(key, moved) {
		t.Error("fingerprint moved with the change inside its window")
	}
	down := c
	down.Direction = Down
	later := c
	later.Time = base.Add(5 * time.Hour)
	for name, o := range map[string]Change{"direction": down, "window": later} {
		if Fingerprint(key, c) == Fingerprint(key, o) {
			t.Errorf("changes differing in %s share a fingerprint", name)
		}
	}
	if Fingerprint(`{x="1"}`, c) == Fingerprint(key, c) {
		t.Error("different series share a fingerprint")
	}
	edge := c
	edge.Time = base.Add(-2 * time.Minute) // previous bucket, near the edge
	if NeighbourFingerprint(key, edge) != Fingerprint(key, c) {
		t.Error("neighbour fingerprint of a change near the edge is not the next bucket's")
	}
}
