package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/detector/prom"
	"github.com/wattson-dev/wattson/detector/schedule"
	"github.com/wattson-dev/wattson/store"
)

// detectionJobs turns the configured detection jobs into scheduler jobs.
// The config was validated, so specs and zones parse.
func detectionJobs(cfg config) ([]schedule.Job, error) {
	jobs := make([]schedule.Job, 0, len(cfg.Detection.Jobs))
	for _, j := range cfg.Detection.Jobs {
		loc := time.UTC
		if j.TimeZone != "" {
			var err error
			if loc, err = time.LoadLocation(j.TimeZone); err != nil {
				return nil, fmt.Errorf("detection job %s: %w", j.Name, err)
			}
		}
		jobs = append(jobs, schedule.Job{
			Name: j.Name, Query: j.Query, Spec: j.Schedule, Location: loc,
			Step: j.Step, Lookback: j.Lookback, Service: j.Service, Channel: j.Channel,
			Policy: jobPolicy(j.Policy),
		})
	}
	return jobs, nil
}

// jobPolicy is the detector policy of a job: the defaults, overridden by
// whatever the config sets.
func jobPolicy(p policyConfig) detector.Policy {
	pol := detector.DefaultPolicy()
	pol.LowerIsWorse = p.Worse == "lower"
	if p.MinPct > 0 {
		pol.MinPct = p.MinPct
	}
	if p.MinAbs > 0 {
		pol.MinAbs = p.MinAbs
	}
	if p.MinDuration > 0 {
		pol.MinDuration = p.MinDuration
	}
	return pol
}

// prometheusSource is the metric source of the detection jobs.
func prometheusSource(cfg config) (*prom.Source, error) {
	src, err := prom.New(cfg.Detection.Prometheus, &http.Client{Timeout: time.Minute})
	if err != nil {
		return nil, fmt.Errorf("detection.prometheus: %w", err)
	}
	return src, nil
}

// alertNotifier hands the scheduler's regressions to the bot.
type alertNotifier struct{ bot *bot.Bot }

// RegressionOpened posts the regression's one alert, with a chart of the
// series it was found in.
func (n alertNotifier) RegressionOpened(ctx context.Context, r store.Regression, s detector.Series) error {
	samples := make([]bot.Point, 0, len(s.Values))
	for i, v := range s.Values {
		if i < len(s.Times) {
			samples = append(samples, bot.Point{T: time.Unix(s.Times[i], 0).UTC(), V: v})
		}
	}
	_, _, err := n.bot.Alert(ctx, bot.AlertInput{Regression: r, Samples: samples})
	return err
}

// RegressionWentAway resolves the regression's alert thread.
func (n alertNotifier) RegressionWentAway(ctx context.Context, r store.Regression) error {
	return n.bot.WentAway(ctx, r)
}
