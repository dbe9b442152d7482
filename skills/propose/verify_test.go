package propose

import (
	"context"
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
