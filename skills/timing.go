package skills

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/wattson-dev/wattson/detector"
)

// Timing is deploys_in_window's check that the deploy it found can explain
// the change: the change must start while the deploy rolls out, give or
// take the error in placing the change point.
//
// The allowed lag after the deploy's start is the rollout itself (until
// the replaced revision stopped serving, when build_info tells), plus
// deploySlack for the metric's own smoothing (a 5-minute rate spreads a
// step over five minutes), plus the change point's placement error. That
// error is the 95% bound of the least-squares change-point estimator for
// one step of size Δ in noise σ, about 11·(σ/Δ)² points (Bai 1994): a
// large, clean step is placed to the minute, a small one in loud noise
// gets an hour. A step starting later than that, or before the deploy
// (the deploy found is then an earlier one), is not the deploy's doing:
// the investigation abstains instead of blaming its commits.
type Timing struct {
	// Deploy is the deploy checked, as its version (or revision).
	Deploy string `json:"deploy"`
	// Started and RolloutDone bound its rollout; RolloutDone is Started
	// when the source does not tell.
	Started     time.Time `json:"started"`
	RolloutDone time.Time `json:"rollout_done"`
	// LagSeconds is how long after Started the change began.
	LagSeconds float64 `json:"lag_seconds"`
	// AllowedSeconds is the longest lag the deploy explains.
	AllowedSeconds float64 `json:"allowed_seconds"`
	// Explains reports that the change starts within the allowed lag.
	Explains bool `json:"explains"`
	// Note says so in words.
	Note string `json:"note"`
}

// placementPoints is the 95% quantile of |argmax| of a two-sided Brownian
// motion with drift −|t|/2: the least-squares change-point estimate's
// error, in units of (σ/Δ)² points.
const placementPoints = 11.0

// placementError estimates how far the change at index i of s may be from
// the true onset: placementPoints·(σ/Δ)² points, at least one, with σ the
// robust spread of the points around their local level either side and Δ
// the step between the local levels.
func placementError(s detector.Series, i int) time.Duration {
	n := len(s.Values)
	if i <= 0 || i >= n || len(s.Times) != n {
		return 0
	}
	w := min(360, i, n-i)
	before := finite(s.Values[i-w : i])
	after := finite(s.Values[i : i+w])
	if len(before) < 3 || len(after) < 3 {
		return 0
	}
	lo, hi := before[len(before)/2], after[len(after)/2]
	delta := math.Abs(hi - lo)
	var dev []float64
	for _, v := range before {
		dev = append(dev, math.Abs(v-lo))
	}
	for _, v := range after {
		dev = append(dev, math.Abs(v-hi))
	}
	sort.Float64s(dev)
	sigma := 1.4826 * dev[len(dev)/2]
	step := time.Duration(s.Times[i]-s.Times[i-1]) * time.Second
	if delta == 0 || step <= 0 {
		return nearWindow
	}
	pts := math.Max(1, placementPoints*(sigma/delta)*(sigma/delta))
	return min(nearWindow, time.Duration(math.Ceil(pts))*step)
}

// timingOf checks whether the deploy w explains a change starting at at,
// placed within placement.
func timingOf(w DeployWindow, at time.Time, placement time.Duration) Timing {
	done := w.Done
	if done.Before(w.Time) {
		done = w.Time
	}
	allowed := done.Sub(w.Time) + deploySlack + placement
	lag := at.Sub(w.Time)
	t := Timing{
		Deploy: orDash(w.Version), Started: w.Time, RolloutDone: done,
		LagSeconds: lag.Seconds(), AllowedSeconds: allowed.Seconds(),
		Explains: lag <= allowed,
	}
	if t.Deploy == "-" {
		t.Deploy = shortSHA(w.To)
	}
	since := fmt.Sprintf("after %s finished rolling out (at %s)", t.Deploy, done.UTC().Format(time.RFC3339))
	if w.Done.IsZero() {
		since = fmt.Sprintf("after the deploy of %s began (at %s)", t.Deploy, w.Time.UTC().Format(time.RFC3339))
	}
	after := at.Sub(done).Round(time.Minute)
	switch {
	case t.Explains && lag < 0:
		t.Note = fmt.Sprintf("the change starts %s before the rollout of %s began, within the metric's smoothing", (-lag).Round(time.Minute), t.Deploy)
	case t.Explains && after <= deploySlack:
		t.Note = fmt.Sprintf("the change starts during the rollout of %s (%s after it began)", t.Deploy, lag.Round(time.Minute))
	case t.Explains:
		t.Note = fmt.Sprintf("the change starts %s %s, within the change point's placement error (±%s)", after, since, placement.Round(time.Minute))
	default:
		t.Note = fmt.Sprintf("no deploy explains a step that starts %s %s; the change point is placed within ±%s", after, since, placement.Round(time.Minute))
	}
	return t
}
