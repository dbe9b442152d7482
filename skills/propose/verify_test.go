package propose

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/skills"
)

type series struct{ s detector.Series }

func (f series) Series(context.Context, string, string, time.Time, time.Time) ([]detector.Series, error) {
	return []detector.Series{f.s}, nil
}

type deploys []skills.Deploy

func (d deploys) Deploys(context.Context, string, time.Time, time.Time) ([]skills.Deploy, error) {
	return d, nil
}

func TestVerify(t *testing.T) {
	t0 := time.Date(2025, 6, 5, 0, 0, 0, 0, time.UTC)
	merged, deploy := t0.Add(2*time.Hour), t0.Add(4*time.Hour)
	mk := func(after float64) series {
		var s detector.Series
		for i := range 24 {
			v := 0.0125
			if t0.Add(time.Duration(i) * time.Hour).After(deploy) {
				v = after
			}
			s.Times, s.Values = append(s.Times, t0.Add(time.Duration(i)*time.Hour).Unix()), append(s.Values, v)
		}
		return series{s}
	}
	c := Check{Service: "checkout", Metric: "cpu", Before: 0.010, After: 0.0125, Merged: merged}
	now := t0.Add(24 * time.Hour)
	for _, tc := range []struct {
		name         string
		src          series
		ds           deploys
		now          time.Time
		ready, recov bool
	}{
		{"recovered", mk(0.0101), deploys{{Time: t0}, {Time: deploy}}, now, true, true},
		{"still high", mk(0.0124), deploys{{Time: t0}, {Time: deploy}}, now, true, false},
		{"no deploy yet", mk(0.0101), deploys{{Time: t0}}, now, false, false},
		{"too soon", mk(0.0101), deploys{{Time: deploy}}, deploy.Add(3 * time.Hour), false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := tc.src
			if tc.now.Before(now) {
				var s detector.Series
				for i, ts := range src.s.Times {
					if time.Unix(ts, 0).After(tc.now) {
						break
					}
					s.Times, s.Values = append(s.Times, ts), append(s.Values, src.s.Values[i])
				}
				src = series{s}
			}
			rec, err := Verify(context.Background(), src, tc.ds, c, tc.now)
			if err != nil || rec.Ready != tc.ready || rec.Recovered != tc.recov {
				t.Fatalf("rec = %+v, %v", rec, err)
			}
		})
	}
}

// rangeSource serves one series cut to the range asked for, and records
// that range.
type rangeSource struct {
	s          detector.Series
	start, end *time.Time
}

func (r rangeSource) Series(_ context.Context, _, _ string, start, end time.Time) ([]detector.Series, error) {
	*r.start, *r.end = start, end
	var out detector.Series
	for i, t := range r.s.Times {
		if t >= start.Unix() && t <= end.Unix() {
			out.Times, out.Values = append(out.Times, t), append(out.Values, r.s.Values[i])
		}
	}
	return []detector.Series{out}, nil
}

// gen returns a series every step over [start, end]: level at each time
// plus gaussian noise of standard deviation sd from a PCG seeded with seed.
func gen(start, end time.Time, step time.Duration, level func(time.Time) float64, sd float64, seed uint64) detector.Series {
	rng := rand.New(rand.NewPCG(seed, 1))
	var s detector.Series
	for t := start; !t.After(end); t = t.Add(step) {
		s.Times, s.Values = append(s.Times, t.Unix()), append(s.Values, level(t)+sd*rng.NormFloat64())
	}
	return s
}

// levels returns a level function: 10 until the regression, 12.5 from
// then until the deploy, then each segment's level for its duration, the
// last one held to the end.
func levels(regressed, deploy time.Time, segs ...seg) func(time.Time) float64 {
	return func(t time.Time) float64 {
		switch {
		case t.Before(regressed):
			return 10
		case !t.After(deploy) || len(segs) == 0:
			return 12.5
		}
		at := deploy
		for _, sg := range segs {
			at = at.Add(sg.d)
			if sg.d == 0 || t.Before(at) {
				return sg.level
			}
		}
		return segs[len(segs)-1].level
	}
}

// seg is a level held for d after the deploy (to the end when d is 0).
type seg struct {
	level float64
	d     time.Duration
}

func TestVerifyUsesTheDetector(t *testing.T) {
	regressed := time.Date(2025, 6, 5, 6, 0, 0, 0, time.UTC)
	merged, deploy := regressed.Add(3*time.Hour), regressed.Add(4*time.Hour)
	c := Check{Service: "checkout", Metric: "cpu", Before: 10, After: 12.5, ChangeTime: regressed, Merged: merged}
	const step = 5 * time.Minute
	for _, tc := range []struct {
		name         string
		level        func(time.Time) float64
		sd           float64
		step         time.Duration
		now          time.Time
		ds           deploys
		ready, recov bool
		direction    string
		changeNear   time.Time // the reported change within 15 minutes of this
	}{
		{name: "clean recovery", level: levels(regressed, deploy, seg{10.1, 0}), sd: 0.5,
			ready: true, recov: true, direction: "down", changeNear: deploy},
		{name: "gradual rollout over half an hour", level: func(t time.Time) float64 {
			f := min(1, max(0, float64(t.Sub(deploy))/float64(30*time.Minute)))
			return 12.5 - 2.5*f
		}, sd: 0.5, ready: true, recov: true, direction: "down", changeNear: deploy.Add(15 * time.Minute)},
		{name: "better than before the regression", level: levels(regressed, deploy, seg{8, 0}), sd: 0.5,
			ready: true, recov: true, direction: "down", changeNear: deploy},
		{name: "partial recovery to half the step", level: levels(regressed, deploy, seg{11.25, 0}), sd: 0.5,
			ready: true, recov: false, direction: "down", changeNear: deploy},
		{name: "recovered then regressed again", level: levels(regressed, deploy, seg{10, 90 * time.Minute}, seg{12.5, 0}), sd: 0.5,
			ready: true, recov: false, direction: "up", changeNear: deploy.Add(90 * time.Minute)},
		{name: "stayed regressed", level: levels(regressed, deploy), sd: 0.5, ready: true, recov: false},
		{name: "fine step is summarised", level: levels(regressed, deploy, seg{10, 0}), sd: 0.5, step: 20 * time.Second,
			now: deploy.Add(24 * time.Hour), ready: true, recov: true, direction: "down", changeNear: deploy},
		{name: "no deploy yet", level: levels(regressed, deploy, seg{10, 0}), sd: 0.5, ds: deploys{{Time: merged.Add(-time.Hour)}}},
		{name: "too few points after the deploy", level: levels(regressed, deploy, seg{10, 0}), sd: 0.5, now: deploy.Add(20 * time.Minute)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now, ds, st := tc.now, tc.ds, tc.step
			if now.IsZero() {
				now = deploy.Add(3 * time.Hour)
			}
			if ds == nil {
				ds = deploys{{Time: merged.Add(-time.Hour)}, {Time: deploy}}
			}
			if st == 0 {
				st = step
			}
			var start, end time.Time
			src := rangeSource{gen(regressed.Add(-24*time.Hour), now, st, tc.level, tc.sd, 7), &start, &end}
			rec, err := Verify(context.Background(), src, ds, c, now)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Ready != tc.ready || rec.Recovered != tc.recov || rec.Direction != tc.direction {
				t.Fatalf("rec = %+v, want ready %v, recovered %v, direction %q", rec, tc.ready, tc.recov, tc.direction)
			}
			if !tc.changeNear.IsZero() && (rec.Change.Sub(tc.changeNear).Abs() > 15*time.Minute || rec.Confidence < 0.99) {
				t.Fatalf("rec = %+v, want a confident change near %s", rec, tc.changeNear)
			}
			if tc.changeNear.IsZero() && !rec.Change.IsZero() {
				t.Fatalf("rec = %+v, want no change", rec)
			}
			if rec.Ready && (!start.Equal(regressed) || !end.Equal(now)) {
				t.Fatalf("read [%s, %s], want [%s, %s]", start, end, regressed, now)
			}
		})
	}
}

// TestVerifyNoisyMedianNearTheOldLevel is the failure of the median rule:
// a series that never left its regressed level, whose few noisy points
// after the deploy happen to have a median near the old level.
func TestVerifyNoisyMedianNearTheOldLevel(t *testing.T) {
	regressed := time.Date(2025, 6, 5, 6, 0, 0, 0, time.UTC)
	merged, deploy := regressed.Add(3*time.Hour), regressed.Add(4*time.Hour)
	now := deploy.Add(40 * time.Minute) // 8 points after the deploy
	c := Check{Service: "checkout", Metric: "cpu", Before: 10, After: 12.5, ChangeTime: regressed, Merged: merged}
	for seed := range uint64(10000) {
		s := gen(regressed, now, 5*time.Minute, levels(regressed, deploy), 2.5, seed)
		var post []float64
		for i, ts := range s.Times {
			if ts > deploy.Unix() {
				post = append(post, s.Values[i])
			}
		}
		if math.Abs(median(post)-c.Before) > recoveredShare*(c.After-c.Before) {
			continue // the median rule is not fooled by this one
		}
		var start, end time.Time
		rec, err := Verify(context.Background(), rangeSource{s, &start, &end}, deploys{{Time: deploy}}, c, now)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Recovered || rec.Ready {
			t.Fatalf("seed %d: median %.3g after the deploy; rec = %+v, want not ready", seed, median(post), rec)
		}
		// Enough points later the same series is judged: still regressed.
		later := deploy.Add(16 * time.Hour)
		s = gen(regressed, later, 5*time.Minute, levels(regressed, deploy), 2.5, seed)
		rec, err = Verify(context.Background(), rangeSource{s, &start, &end}, deploys{{Time: deploy}}, c, later)
		if err != nil || !rec.Ready || rec.Recovered {
			t.Fatalf("seed %d, 16h after the deploy: rec = %+v, %v; want ready, not recovered", seed, rec, err)
		}
		t.Logf("seed %d: median %.3g over the first %d points after the deploy; %d points later: level %.3g", seed, median(post), len(post), rec.Points, rec.Level)
		return
	}
	t.Fatal("no seed fools the median rule")
}

func TestVerifyRecoverySkill(t *testing.T) {
	regressed := time.Date(2025, 6, 5, 6, 0, 0, 0, time.UTC)
	deploy := regressed.Add(4 * time.Hour)
	now := deploy.Add(3 * time.Hour)
	var start, end time.Time
	src := rangeSource{gen(regressed.Add(-24*time.Hour), now, 5*time.Minute, levels(regressed, deploy, seg{10, 0}), 0.5, 3), &start, &end}
	skill := NewVerifyRecovery(src, deploys{{Time: deploy}}, func() time.Time { return now })
	for _, tc := range []struct {
		name, args string
		from       time.Time
	}{
		{"with the regression's time", `{"service":"checkout","metric":"cpu","before":10,"after":12.5,"change_time":"2025-06-05T06:00:00Z","merged":"2025-06-05T09:00:00Z"}`, regressed},
		{"without it", `{"service":"checkout","metric":"cpu","before":10,"after":12.5,"merged":"2025-06-05T09:00:00Z"}`, deploy.Add(-verifyWindow)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := skill.Run(context.Background(), json.RawMessage(tc.args))
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"recovered: 10.", "over 36 points after the deploy (was 10 before, 12.5 after the regression)",
				"stepped down at 2025-06-05T10:0", "confidence 1.000"} {
				if !strings.Contains(out.Summary, want) {
					t.Fatalf("summary %q, want %q in it", out.Summary, want)
				}
			}
			if !start.Equal(tc.from) {
				t.Fatalf("read from %s, want %s", start, tc.from)
			}
		})
	}
}
