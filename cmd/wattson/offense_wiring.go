package main

import (
	"fmt"
	"time"

	"github.com/wattson-dev/wattson/bot/offense"
	"github.com/wattson-dev/wattson/skills/opportunity"
	"github.com/wattson-dev/wattson/skills/pprofdir"
	"github.com/wattson-dev/wattson/store/periodic"
	"github.com/wattson-dev/wattson/store/periodic/cronspec"
)

// offenseConfig schedules the opportunity scan of every service with profiles.
type offenseConfig struct {
	Schedule    string  `yaml:"schedule"`      // robfig/cron spec; empty: no scheduled scan
	TimeZone    string  `yaml:"time_zone"`     // IANA zone of the schedule; empty: UTC
	MinCPUShare float64 `yaml:"min_cpu_share"` // ignore findings below this share of CPU
}

// validateOffenseDigest checks the offense and digest keys.
func (c config) validateOffenseDigest() []error {
	var errs []error
	if c.Offense.Schedule != "" {
		if err := cronspec.Check(c.Offense.Schedule, c.Offense.TimeZone); err != nil {
			errs = append(errs, fmt.Errorf("offense.schedule: %w", err))
		}
	}
	if c.Offense.MinCPUShare < 0 || c.Offense.MinCPUShare >= 1 {
		errs = append(errs, fmt.Errorf("offense.min_cpu_share: want 0 <= share < 1, not %g", c.Offense.MinCPUShare))
	}
	if c.Digest.Schedule != "" {
		if err := cronspec.Check(c.Digest.Schedule, c.Digest.TimeZone); err != nil {
			errs = append(errs, fmt.Errorf("digest.schedule: %w", err))
		}
		if len(c.Digest.Channels) == 0 {
			errs = append(errs, fmt.Errorf("digest.channels: required with digest.schedule"))
		}
	}
	if c.Store.ReclaimIdle < 0 {
		errs = append(errs, fmt.Errorf("store.reclaim_idle: must not be negative"))
	}
	return errs
}

// periodicJobs are the proposals' checks and the configured scan (over the
// library's patterns, loaded at start-up) and digest.
func periodicJobs(cfg config, p *botParts, patterns []opportunity.Pattern) ([]periodic.Job, error) {
	jobs := p.proposals.Periodic()
	if cfg.Offense.Schedule != "" {
		loc, err := time.LoadLocation(cfg.Offense.TimeZone)
		if err != nil {
			return nil, fmt.Errorf("offense: %w", err)
		}
		opts := offense.ScanOptions{Patterns: patterns, WattsPerCore: cfg.Impact.WattsPerCore, MinShare: cfg.Offense.MinCPUShare}
		jobs = append(jobs, p.offense.Job(cfg.Offense.Schedule, loc, scanTargets(cfg), opts))
	}
	if cfg.Digest.Schedule != "" {
		loc, err := time.LoadLocation(cfg.Digest.TimeZone)
		if err != nil {
			return nil, fmt.Errorf("digest: %w", err)
		}
		jobs = append(jobs, p.digests.Job(cfg.Digest.Schedule, loc, cfg.Digest.Channels))
	}
	return jobs, nil
}

// scanTargets are the services with profiles, for the opportunity scan.
func scanTargets(cfg config) []offense.Target {
	var ts []offense.Target
	for _, svc := range cfg.Services {
		if svc.Profiles == "" {
			continue
		}
		repo := svc.GitHub
		if repo == "" {
			repo = svc.Repo
		}
		ts = append(ts, offense.Target{Service: svc.Name, Profiles: pprofdir.New(svc.Profiles), Instances: svc.Instances, Repo: repo})
	}
	return ts
}
