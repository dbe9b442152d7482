package store_test

import (
	"testing"
	"time"

	"github.com/wattson-dev/wattson/store"
)

func TestSeriesKey(t *testing.T) {
	cases := []struct {
		metric string
		labels map[string]string
		want   string
	}{
		{"up", nil, "up{}"},
		{"cpu", map[string]string{"zone": "a", "service": "checkout"}, `cpu{service="checkout",zone="a"}`},
		{"cpu", map[string]string{"path": `a"b`}, `cpu{path="a\"b"}`},
	}
	for _, c := range cases {
		if got := store.SeriesKey(c.metric, c.labels); got != c.want {
			t.Errorf("SeriesKey(%q, %v) = %s, want %s", c.metric, c.labels, got, c.want)
		}
	}
}

func TestRegressionFingerprint(t *testing.T) {
	key := store.SeriesKey("cpu", map[string]string{"service": "checkout"})
	at := time.Date(2025, 3, 4, 12, 10, 0, 0, time.UTC)
	fp := store.RegressionFingerprint(key, at, time.Hour)
	same := []time.Time{
		at.Add(40 * time.Minute),                     // same hour window
		at.In(time.FixedZone("CEST", 2*60*60)),       // same instant, other zone
		time.Date(2025, 3, 4, 12, 0, 0, 0, time.UTC), // window start
	}
	for _, ts := range same {
		if got := store.RegressionFingerprint(key, ts, time.Hour); got != fp {
			t.Errorf("fingerprint at %v differs from at %v", ts, at)
		}
	}
	differ := map[string]string{
		"next window":  store.RegressionFingerprint(key, at.Add(time.Hour), time.Hour),
		"other series": store.RegressionFingerprint(key+"x", at, time.Hour),
		"exact time":   store.RegressionFingerprint(key, at, 0),
	}
	for name, got := range differ {
		if got == fp {
			t.Errorf("%s: fingerprint should differ", name)
		}
	}
}

func TestOpportunityFingerprint(t *testing.T) {
	a := store.OpportunityFingerprint("search", "route.Match", "regexp")
	if store.OpportunityFingerprint("search", "route.Match", "regexp") != a {
		t.Error("equal inputs give different fingerprints")
	}
	// Length-prefixing keeps shifted boundaries apart.
	if store.OpportunityFingerprint("search", "route.Matchregexp", "") == a ||
		store.OpportunityFingerprint("searchroute.Match", "", "regexp") == a {
		t.Error("parts with shifted boundaries collide")
	}
}
