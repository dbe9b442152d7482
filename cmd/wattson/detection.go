package main

import (
	"cmp"
	"time"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/detector/schedule"
	"github.com/wattson-dev/wattson/store"
)

// detectionJobs turns the configured detection jobs into scheduler jobs.
// The config was validated: specs parse, zones load (else nil: UTC).
func detectionJobs(cfg config) []schedule.Job {
	jobs := make([]schedule.Job, 0, len(cfg.Detection.Jobs))
	for _, j := range cfg.Detection.Jobs {
		loc, _ := time.LoadLocation(cmp.Or(j.TimeZone, "UTC"))
		jobs = append(jobs, schedule.Job{
			Name: j.Name, Query: j.Query, Spec: j.Schedule, Location: loc,
			Step: j.Step, Lookback: j.Lookback, Service: j.Service, Channel: j.Channel,
			Policy: jobPolicy(j.Policy),
		})
	}
	return jobs
}

// jobPolicy is the detector policy of a job: the defaults, overridden by
// whatever the config sets.
func jobPolicy(p policyConfig) detector.Policy {
	pol := detector.DefaultPolicy()
	pol.LowerIsWorse = p.Worse == "lower"
	pol.MinPct = cmp.Or(p.MinPct, pol.MinPct)                // validated: never negative
	pol.MinAbs = cmp.Or(p.MinAbs, pol.MinAbs)                // validated: never negative
	pol.MinDuration = cmp.Or(p.MinDuration, pol.MinDuration) // validated: never negative
	return pol
}

// autoInvestigate: every new regression is investigated at once but those of a job or service set to manual.
func autoInvestigate(cfg config) func(store.Regression) bool {
	manual := map[string]bool{}
	for _, j := range cfg.Detection.Jobs {
		manual["job/"+j.Name] = j.Investigate == "manual"
	}
	for _, s := range cfg.Services {
		manual["service/"+s.Name] = s.Investigate == "manual"
	}
	return func(r store.Regression) bool { return !manual["job/"+r.Job] && !manual["service/"+r.Service] }
}
