package propose

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/skills"
)

// Check is what verify_recovery is asked: a regression's levels and when it
// began, and when its fix merged.
type Check struct {
	Service string  `json:"service"`
	Metric  string  `json:"metric"`
	Before  float64 `json:"before"`
	After   float64 `json:"after"`
	// ChangeTime is the regression's first point at the new level; zero
	// when unknown. The series is read from there, or from verifyWindow
	// before the deploy when that is later.
	ChangeTime time.Time `json:"change_time,omitzero"`
	Merged     time.Time `json:"merged"`
}

// Recovery is verify_recovery's result.
type Recovery struct {
	// Ready is false while no deploy followed the merge, fewer than
	// minSegment points came after it, or the evidence is not yet enough
	// for a verdict: the level after the last change is short or not
	// known precisely, or (with no change after the deploy) a return to
	// the old level would not yet have stood out of the noise. A full
	// window after the deploy is always Ready.
	Ready bool `json:"ready"`
	// Recovered says whether the detector found a change at the deploy
	// back to within a quarter of the regression's step of the old level
	// (or better than it), and no later change took the series out of
	// that band again.
	Recovered bool `json:"recovered"`
	// Deploy is when the first deploy after the merge went out.
	Deploy time.Time `json:"deploy,omitzero"`
	// Level is where the series is after the deploy: the level after the
	// last change found there, or the median of the points after the
	// deploy when there is none. Points is how many points came after it.
	Level  float64 `json:"level"`
	Points int     `json:"points"`
	// Change, Direction and Confidence are the evidence: the detected
	// change that brought the series back when Recovered, otherwise the
	// last change after the deploy (a partial recovery, or a return of
	// the regression); empty when the detector found none there.
	Change     time.Time `json:"change,omitzero"`
	Direction  string    `json:"direction,omitempty"`
	Confidence float64   `json:"confidence,omitempty"`
}

// Verification parameters; the package doc says why these values.
const (
	// verifyWindow bounds the series read on each side of the deploy.
	verifyWindow = 24 * time.Hour
	// minSegment is the fewest points the detector puts on either side
	// of a change (its default), and the fewest points after the deploy
	// for any verdict.
	minSegment = 6
	// deploySlack is how many points before the first point after the
	// deploy a change may be placed and still count as the deploy's.
	deploySlack = minSegment
	// settle is how many points the level after the last change must
	// last before it is judged: a change placed a few points off biases
	// a short level, and a gradual rollout passes intermediate levels.
	settle = 2 * minSegment
	// recoveredShare is the part of the regression's step that may remain.
	recoveredShare = 0.25
	// powerZ is the standardised size a return to the old level must
	// reach on the points read before "no change found" means "none
	// happened".
	powerZ = 6
	// bandSE is how many standard errors of the level after the deploy
	// must fit in the recovered band before a verdict.
	bandSE = 3
	// maxVerifyPoints bounds the points handed to the detector; longer
	// reads are summarised by bucket medians.
	maxVerifyPoints = 2000
)

// verifyOptions are the detector's options for verification: its defaults,
// except that the warm-up cut and the transient rule are off (TransientMax
// equal to MinSegment), because a short stretch of the regressed level
// before the deploy is the baseline here, not a warm-up, and a short return
// of the regression is a verdict, not a spike to forget; and drift is at
// most linear, because a bending drift over two days is not expected and
// can absorb a step near the end of the window.
func verifyOptions() detector.Options {
	return detector.Options{MinSegment: minSegment, TransientMax: minSegment, DriftDegree: 1}
}

// Verify re-checks a series around the first deploy that followed c.Merged
// (the merge time itself when deploys is nil), up to now; see the package
// doc for the method.
func Verify(ctx context.Context, series skills.SeriesSource, deploys skills.DeploySource, c Check, now time.Time) (Recovery, error) {
	var rec Recovery
	deploy, ok, err := firstDeploy(ctx, deploys, c, now)
	if err != nil {
		return rec, fmt.Errorf("verify recovery of %s %s: %w", c.Service, c.Metric, err)
	}
	if !ok {
		return rec, nil // not deployed yet
	}
	rec.Deploy = deploy
	from, to := deploy.Add(-verifyWindow), deploy.Add(verifyWindow)
	if now.Before(to) {
		to = now
	}
	if c.ChangeTime.After(from) && c.ChangeTime.Before(deploy) {
		from = c.ChangeTime
	}
	ss, err := series.Series(ctx, c.Metric, c.Service, from, to)
	if errors.Is(err, skills.ErrNoSeries) {
		return rec, nil
	}
	if err != nil {
		return rec, fmt.Errorf("verify recovery of %s %s: %w", c.Service, c.Metric, err)
	}
	times, vals := window(ss, from, to)
	post := sort.Search(len(times), func(i int) bool { return times[i] > deploy.Unix() })
	rec.Points = len(times) - post
	if rec.Points < minSegment {
		return rec, nil
	}
	times, vals, post = coarsen(times, vals, post)
	step := c.After - c.Before
	if step == 0 {
		rec.Ready, rec.Recovered, rec.Level = true, true, median(vals[post:])
		return rec, nil // nothing to recover from
	}
	back := detector.Down
	if step < 0 {
		back = detector.Up
	}
	// The band reaches a quarter of the step into the regressed side of
	// the old level and is open on the other: a series that ends up
	// better than before the regression has recovered too.
	inBand := func(level float64) bool {
		return (level-c.Before)*math.Copysign(1, step) <= recoveredShare*math.Abs(step)
	}

	// found is the first change back into the band after which the
	// series stayed in it; last is the last change after the deploy.
	var found, last *detector.Change
	base := 0 // where the level before the deploy began
	changes := detector.New(verifyOptions()).Detect(vals, times)
	for i := range changes {
		ch := &changes[i]
		if ch.Index < post-deploySlack {
			base = ch.Index
			continue
		}
		last = ch
		switch {
		case !inBand(ch.After):
			found = nil
		case found == nil && ch.Direction == back:
			found = ch
		}
	}
	// Once the window after the deploy is full no more evidence will come:
	// decide on what there is.
	sigma, full := noise(vals), !now.Before(deploy.Add(verifyWindow))
	if last == nil {
		// No step at the deploy. When the points after it nonetheless
		// look back in the band the detector may yet see the step with
		// more of them; otherwise the series stayed regressed once a
		// step back would have stood out.
		rec.Level = median(vals[post:])
		m := len(vals) - post
		rec.Ready = full || !inBand(rec.Level) && precise(sigma, m, step) && detectable(sigma, post-base, m, step)
		return rec, nil
	}
	ev := last
	if found != nil {
		ev = found
	}
	rec.Ready, rec.Level = full || last.Points >= settle && precise(sigma, last.Points, step), last.After
	rec.Recovered = rec.Ready && found != nil
	rec.Change, rec.Direction, rec.Confidence = ev.Time, ev.Direction.String(), ev.Confidence
	return rec, nil
}

// firstDeploy returns the first deploy after c.Merged up to now, or
// c.Merged itself when deploys is nil; ok is false when there is none yet.
func firstDeploy(ctx context.Context, deploys skills.DeploySource, c Check, now time.Time) (time.Time, bool, error) {
	if deploys == nil {
		return c.Merged, true, nil
	}
	ds, err := deploys.Deploys(ctx, c.Service, c.Merged, now)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("list deploys of %s: %w", c.Service, err)
	}
	for _, d := range ds {
		if d.Time.After(c.Merged) {
			return d.Time, true, nil
		}
	}
	return time.Time{}, false, nil
}

// window returns the finite points in [from, to] of the first series in ss
// that has any (the regression's own series); times stay ascending.
func window(ss []detector.Series, from, to time.Time) ([]int64, []float64) {
	for _, s := range ss {
		var times []int64
		var vals []float64
		for i, t := range s.Times {
			v := s.Values[i]
			if t < from.Unix() || t > to.Unix() || math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			times, vals = append(times, t), append(vals, v)
		}
		if len(vals) > 0 {
			return times, vals
		}
	}
	return nil, nil
}

// coarsen replaces the points before and after index post by medians of
// buckets of k points each, k the smallest that brings the total within
// maxVerifyPoints; no bucket straddles the deploy. It returns the new
// points and the new index of the first point after the deploy.
func coarsen(times []int64, vals []float64, post int) ([]int64, []float64, int) {
	k := (len(vals) + maxVerifyPoints - 1) / maxVerifyPoints
	if k <= 1 {
		return times, vals, post
	}
	var ct []int64
	var cv []float64
	bucket := func(a, b int) {
		for i := a; i < b; i += k {
			j := min(b, i+k)
			ct, cv = append(ct, times[i]), append(cv, median(vals[i:j]))
		}
	}
	bucket(0, post)
	n := len(cv)
	bucket(post, len(vals))
	return ct, cv, n
}

// noise is the robust noise scale of vals from its successive differences
// (the median absolute difference of two independent normal draws is
// 0.6745·√2·σ); the few differences across a change do not move it.
func noise(vals []float64) float64 {
	diffs := make([]float64, 0, len(vals))
	for i := 1; i < len(vals); i++ {
		diffs = append(diffs, math.Abs(vals[i]-vals[i-1]))
	}
	return median(diffs) / (0.6745 * math.Sqrt2)
}

// precise reports whether a level over m points with noise sigma is known
// to within a third of the recovered band: σ/√m ≤ recoveredShare·|step|/3,
// so that noise alone moves it across the band's edge less than once in
// 700 checks.
func precise(sigma float64, m int, step float64) bool {
	return sigma/math.Sqrt(float64(m)) <= recoveredShare*math.Abs(step)/bandSE
}

// detectable reports whether a return to the old level would have stood
// out between n points before the deploy and m after it: the step's
// standardised size |step|/σ·√(n·m/(n+m)) reaches powerZ.
func detectable(sigma float64, n, m int, step float64) bool {
	if n < minSegment || m < minSegment {
		return false
	}
	return sigma == 0 || math.Abs(step)/sigma*math.Sqrt(float64(n*m)/float64(n+m)) >= powerZ
}

// median returns the median of xs (the upper one of an even count), or 0
// for none; xs is not modified.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// NewVerifyRecovery returns the verify_recovery skill. now is the clock.
func NewVerifyRecovery(series skills.SeriesSource, deploys skills.DeploySource, now func() time.Time) skills.Skill {
	info := skills.Info{
		Name:        "verify_recovery",
		Description: "Checks with Wattson's change-point detector whether a regressed metric returned to its old level at the deploy that followed its fix's merge, and stayed there.",
		Schema: json.RawMessage(`{"type":"object","required":["service","before","after","merged"],"properties":{
"service":{"type":"string"},"metric":{"type":"string"},
"before":{"type":"number","description":"level before the regression"},
"after":{"type":"number","description":"level after the regression"},
"change_time":{"type":"string","format":"date-time","description":"when the regression began (find_change_point's change_time); improves the baseline"},
"merged":{"type":"string","format":"date-time","description":"when the fix merged"}}}`),
	}
	return skills.New(info, func(ctx context.Context, c Check) (skills.Output, error) {
		rec, err := Verify(ctx, series, deploys, c, now())
		if err != nil {
			return skills.Output{}, err
		}
		return skills.Output{Summary: Summary(rec, c), Data: rec}, nil
	})
}

// Summary is the sentence verify_recovery reports for rec, with the
// detected change as evidence.
func Summary(rec Recovery, c Check) string {
	if !rec.Ready {
		return "not verifiable yet: no deploy after the merge, or too little data after it to tell a recovery from noise"
	}
	verdict := "not recovered"
	if rec.Recovered {
		verdict = "recovered"
	}
	s := fmt.Sprintf("%s: %.4g over %d points after the deploy (was %.4g before, %.4g after the regression)",
		verdict, rec.Level, rec.Points, c.Before, c.After)
	switch {
	case rec.Recovered && !rec.Change.IsZero():
		s += fmt.Sprintf("; stepped %s at %s, confidence %.3f", rec.Direction, rec.Change.UTC().Format(time.RFC3339), rec.Confidence)
	case !rec.Change.IsZero():
		s += fmt.Sprintf("; last change %s at %s, confidence %.3f", rec.Direction, rec.Change.UTC().Format(time.RFC3339), rec.Confidence)
	default:
		s += "; no change detected after the deploy"
	}
	return s
}
