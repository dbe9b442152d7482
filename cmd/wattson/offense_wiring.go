package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/skills/library"
	"github.com/wattson-dev/wattson/skills/opportunity"
	"github.com/wattson-dev/wattson/skills/pprofdir"
	"github.com/wattson-dev/wattson/skills/skillmd"
	"github.com/wattson-dev/wattson/store"
)

// offenseConfig schedules the opportunity scan of every service with
// profiles.
type offenseConfig struct {
	Schedule    string  `yaml:"schedule"`      // robfig/cron spec; empty: no scheduled scan
	TimeZone    string  `yaml:"time_zone"`     // IANA zone of the schedule; empty: UTC
	MinCPUShare float64 `yaml:"min_cpu_share"` // ignore findings below this share of CPU
}

// validateOffenseDigest checks the offense and digest keys.
func (c config) validateOffenseDigest() []error {
	var errs []error
	if c.Offense.Schedule != "" {
		if err := checkSchedule(c.Offense.Schedule, c.Offense.TimeZone); err != nil {
			errs = append(errs, fmt.Errorf("offense.schedule: %w", err))
		}
	}
	if c.Offense.MinCPUShare < 0 || c.Offense.MinCPUShare >= 1 {
		errs = append(errs, fmt.Errorf("offense.min_cpu_share: want 0 <= share < 1, not %g", c.Offense.MinCPUShare))
	}
	if c.Digest.Schedule != "" {
		if err := checkSchedule(c.Digest.Schedule, c.Digest.TimeZone); err != nil {
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

// skillLibrary is the built-in skill library with skills.dir's skills
// over it, a team's own replacing built-ins by name.
func skillLibrary(cfg config, logger *slog.Logger) *skillmd.Library {
	lib, _ := skillmd.Load(library.FS(), ".", "built-in")
	if cfg.Skills.Dir != "" {
		own, probs := skillmd.LoadDir(cfg.Skills.Dir)
		for _, p := range probs {
			logger.Warn("skill not loaded", "err", p)
		}
		lib = lib.Merge(own)
	}
	return lib
}

// patternSkills describes, for /wattson skills, the library skills that
// define opportunity patterns, with the patterns' names.
func patternSkills(cfg config) []bot.SkillInfo {
	lib := skillLibrary(cfg, slog.New(slog.DiscardHandler))
	pats, _ := opportunity.LoadPatterns(lib)
	var out []bot.SkillInfo
	for _, sk := range lib.List() {
		info := bot.SkillInfo{Name: sk.Name, Description: sk.Description}
		for _, p := range pats {
			if p.Skill == sk.Name {
				info.Patterns = append(info.Patterns, p.Name)
			}
		}
		if len(info.Patterns) > 0 {
			out = append(out, info)
		}
	}
	return out
}

// loadPatterns reads the inefficiency patterns of the skill library.
func loadPatterns(cfg config, logger *slog.Logger) []opportunity.Pattern {
	pats, errs := opportunity.LoadPatterns(skillLibrary(cfg, logger))
	for _, err := range errs {
		logger.Warn("pattern not loaded", "err", err)
	}
	return pats
}

// periodicJobs are the scheduled opportunity scan and digest, as configured.
func periodicJobs(cfg config, b *bot.Bot, logger *slog.Logger) ([]bot.Periodic, error) {
	var jobs []bot.Periodic
	if cfg.Offense.Schedule != "" {
		loc, err := loadZone(cfg.Offense.TimeZone)
		if err != nil {
			return nil, fmt.Errorf("offense: %w", err)
		}
		pats := loadPatterns(cfg, logger)
		log := logger.With("component", "offense")
		jobs = append(jobs, bot.Periodic{Name: "offense", Spec: cfg.Offense.Schedule, Location: loc,
			Do: func(ctx context.Context, _ time.Time) error { return scanServices(ctx, cfg, pats, b, log, time.Now) }})
	}
	if cfg.Digest.Schedule != "" {
		loc, err := loadZone(cfg.Digest.TimeZone)
		if err != nil {
			return nil, fmt.Errorf("digest: %w", err)
		}
		jobs = append(jobs, bot.Periodic{Name: "digest", Spec: cfg.Digest.Schedule, Location: loc,
			Do: func(ctx context.Context, tick time.Time) error { return b.PostDigests(ctx, cfg.Digest.Channels, tick) }})
	}
	return jobs, nil
}

func loadZone(tz string) (*time.Location, error) {
	if tz == "" {
		return time.UTC, nil
	}
	return time.LoadLocation(tz)
}

// scanServices scans every service with profiles, offers what it finds and
// checks the service's merged fixes against the scan; now is the clock
// that picks recent profiles. A service that fails is logged and the
// others still scanned.
func scanServices(ctx context.Context, cfg config, pats []opportunity.Pattern, b *bot.Bot, log *slog.Logger, now func() time.Time) error {
	for _, svc := range cfg.Services {
		if svc.Profiles == "" {
			continue
		}
		sc := &opportunity.Scanner{Source: pprofdir.New(svc.Profiles), Patterns: pats, Now: now,
			Scale: func(string) opportunity.Options {
				return opportunity.Options{Instances: svc.Instances, WattsPerCore: cfg.Impact.WattsPerCore, MinShare: cfg.Offense.MinCPUShare}
			}}
		scanned, err := sc.Survey(ctx, svc.Name)
		if err != nil {
			log.Error("opportunity scan failed", "service", svc.Name, "err", err)
			continue
		}
		fresh, err := b.OfferOpportunities(ctx, svc.Name, offers(svc, scanned.Findings))
		if err != nil {
			return fmt.Errorf("scan %s: %w", svc.Name, err)
		}
		fixed, err := b.CheckFixes(ctx, svc.Name, scanReport(svc.Name, scanned))
		if err != nil {
			return fmt.Errorf("scan %s: %w", svc.Name, err)
		}
		log.Info("opportunity scan", "service", svc.Name, "findings", len(scanned.Findings), "new", len(fresh), "fixed", len(fixed))
	}
	return nil
}

// scanReport keys a scan's findings and measured shares by opportunity
// fingerprint, for the fix check.
func scanReport(service string, sc opportunity.Scanned) bot.ScanReport {
	r := bot.ScanReport{Found: map[string]float64{}, Measured: map[string]float64{}, Oldest: sc.Oldest, Newest: sc.Newest}
	for _, f := range sc.Findings {
		r.Found[store.OpportunityFingerprint(service, f.Function, f.Pattern)] = f.Share
	}
	for _, f := range sc.Measured {
		r.Measured[store.OpportunityFingerprint(service, f.Function, f.Pattern)] = f.Share
	}
	return r
}

// offers turns findings into opportunity records, with a fix proposal for
// each mechanical one.
func offers(svc serviceConfig, fs []opportunity.Finding) []bot.Offer {
	out := make([]bot.Offer, 0, len(fs))
	for _, f := range fs {
		o := store.Opportunity{Fingerprint: store.OpportunityFingerprint(svc.Name, f.Function, f.Pattern),
			Service: svc.Name, Function: f.Function, File: f.File, Lines: f.LineSpan(), Pattern: f.Pattern,
			CPUShare: f.Share, Cores: f.Cores, Watts: f.Watts, Suggestion: f.Suggestion}
		of := bot.Offer{Opportunity: o}
		if f.Fix != nil {
			r := strings.NewReplacer("{function}", f.Function, "{file}", f.File, "{lines}", f.LineSpan())
			repo := svc.GitHub
			if repo == "" {
				repo = svc.Repo
			}
			of.Fix = &store.Proposal{Kind: store.ProposalFix, Target: f.Function, Repo: repo,
				Title: r.Replace(f.Fix.Title), Body: r.Replace(f.Fix.Body) + "\n\n" + f.Suggestion}
		}
		out = append(out, of)
	}
	return out
}
