package skills

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/detector"
)

// stepSeries is n minutely points of noise sd around 1, stepping by delta at i.
func stepSeries(n, i int, delta, sd float64) detector.Series {
	rng := rand.New(rand.NewPCG(7, 8))
	s := detector.Series{}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	for k := range n {
		v := 1 + sd*rng.NormFloat64()
		if k >= i {
			v += delta
		}
		s.Times = append(s.Times, t0+int64(60*k))
		s.Values = append(s.Values, v)
	}
	return s
}

func TestPlacementErrorGrowsWithNoiseOverStep(t *testing.T) {
	clean := placementError(stepSeries(2000, 1000, 0.3, 0.02), 1000)
	noisy := placementError(stepSeries(2000, 1000, 0.05, 0.05), 1000)
	if clean != time.Minute {
		t.Errorf("a 15σ step is placed within %s, want one step (1m)", clean)
	}
	// 11·(σ/Δ)² = 11 points for a 1σ step.
	if noisy < 6*time.Minute || noisy > 20*time.Minute {
		t.Errorf("a 1σ step is placed within %s, want about 11m", noisy)
	}
	if got := placementError(stepSeries(10, 0, 1, 0.1), 0); got != 0 {
		t.Errorf("change at the first point: %s, want 0", got)
	}
}

func TestTimingOf(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	w := DeployWindow{To: "0123456789abcdef", Time: start, Version: "v1.2.0"}
	rolled := w
	rolled.Done = start.Add(20 * time.Minute)
	tests := []struct {
		name      string
		w         DeployWindow
		at        time.Time
		placement time.Duration
		explains  bool
		note      string
	}{
		{"during the rollout", w, start.Add(2 * time.Minute), time.Minute, true, "during the rollout of v1.2.0"},
		{"just before, within smoothing", w, start.Add(-4 * time.Minute), time.Minute, true, "before the rollout"},
		{"long rollout from build_info", rolled, start.Add(25 * time.Minute), time.Minute, true, "during the rollout"},
		{"after a long rollout", rolled, start.Add(3 * time.Hour), time.Minute, false, "2h40m0s after v1.2.0 finished rolling out (at 2026-03-01T12:20:00Z)"},
		{"hours later", w, start.Add(5 * time.Hour), 10 * time.Minute, false, "no deploy explains a step that starts 5h0m0s after the deploy of v1.2.0 began"},
		{"later but placed loosely", w, start.Add(50 * time.Minute), time.Hour, true, "placement error"},
		{"without a version", DeployWindow{To: "0123456789abcdef", Time: start}, start.Add(3 * time.Hour), 0, false, "after the deploy of 0123456 began"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := timingOf(tt.w, tt.at, tt.placement)
			if got.Explains != tt.explains || !strings.Contains(got.Note, tt.note) {
				t.Errorf("timingOf = explains %v, %q; want %v and a note with %q", got.Explains, got.Note, tt.explains, tt.note)
			}
		})
	}
}
