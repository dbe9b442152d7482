package propose

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/wattson-dev/wattson/skills"
)

// Check is what verify_recovery is asked: a regression's series and
// levels, and when its fix merged.
type Check struct {
	Service string    `json:"service"`
	Metric  string    `json:"metric"`
	Before  float64   `json:"before"`
	After   float64   `json:"after"`
	Merged  time.Time `json:"merged"`
}

// Recovery is verify_recovery's result.
type Recovery struct {
	// Ready is false while no deploy followed the merge, or too few
	// points came after it.
	Ready bool `json:"ready"`
	// Recovered says whether the level after the deploy is back within
	// a quarter of the regression's step from the old level.
	Recovered bool `json:"recovered"`
	// Deploy is when the first deploy after the merge went out.
	Deploy time.Time `json:"deploy,omitzero"`
	// Level is the median after that deploy; Points how many it is of.
	Level  float64 `json:"level"`
	Points int     `json:"points"`
}

// Verification thresholds.
const (
	minPoints = 6
	// recoveredShare is the part of the regression's step that may remain.
	recoveredShare = 0.25
)

// Verify re-checks a series after the first deploy that followed c.Merged
// (the merge time itself when deploys is nil), up to now.
func Verify(ctx context.Context, series skills.SeriesSource, deploys skills.DeploySource, c Check, now time.Time) (Recovery, error) {
	from := c.Merged
	var rec Recovery
	if deploys != nil {
		ds, err := deploys.Deploys(ctx, c.Service, c.Merged, now)
		if err != nil {
			return rec, fmt.Errorf("verify recovery: %w", err)
		}
		found := false
		for _, d := range ds {
			if d.Time.After(c.Merged) {
				from, found = d.Time, true
				break
			}
		}
		if !found {
			return rec, nil // not deployed yet
		}
	}
	rec.Deploy = from
	ss, err := series.Series(ctx, c.Metric, c.Service, from, now)
	if errors.Is(err, skills.ErrNoSeries) {
		return rec, nil
	}
	if err != nil {
		return rec, fmt.Errorf("verify recovery: %w", err)
	}
	var vals []float64
	for _, s := range ss {
		for i, t := range s.Times {
			if time.Unix(t, 0).After(from) {
				vals = append(vals, s.Values[i])
			}
		}
		if len(vals) > 0 {
			break // the first series with data: the regression's own
		}
	}
	rec.Points = len(vals)
	if len(vals) < minPoints {
		return rec, nil
	}
	sort.Float64s(vals)
	rec.Ready, rec.Level = true, vals[len(vals)/2]
	step := c.After - c.Before
	rec.Recovered = step == 0 || math.Abs(rec.Level-c.Before) <= recoveredShare*math.Abs(step)
	return rec, nil
}

// NewVerifyRecovery returns the verify_recovery skill. now is the clock.
func NewVerifyRecovery(series skills.SeriesSource, deploys skills.DeploySource, now func() time.Time) skills.Skill {
	info := skills.Info{
		Name:        "verify_recovery",
		Description: "Checks whether a regressed metric returned to its old level after the deploy that followed its fix's merge.",
		Schema: json.RawMessage(`{"type":"object","required":["service","before","after","merged"],"properties":{
"service":{"type":"string"},"metric":{"type":"string"},
"before":{"type":"number","description":"level before the regression"},
"after":{"type":"number","description":"level after the regression"},
"merged":{"type":"string","format":"date-time","description":"when the fix merged"}}}`),
	}
	return skills.New(info, func(ctx context.Context, c Check) (skills.Output, error) {
		rec, err := Verify(ctx, series, deploys, c, now())
		if err != nil {
			return skills.Output{}, err
		}
		sum := "not verifiable yet: no deploy after the merge, or too little data after it"
		switch {
		case rec.Ready && rec.Recovered:
			sum = fmt.Sprintf("recovered: %.4g over %d points after the deploy (was %.4g before, %.4g after the regression)", rec.Level, rec.Points, c.Before, c.After)
		case rec.Ready:
			sum = fmt.Sprintf("not recovered: %.4g over %d points after the deploy (was %.4g before, %.4g after the regression)", rec.Level, rec.Points, c.Before, c.After)
		}
		return skills.Output{Summary: sum, Data: rec}, nil
	})
}
