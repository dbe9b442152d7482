package offense

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/skills/opportunity"
	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/periodic"
)

// Target is a service the offense scan surveys.
type Target struct {
	// Service names it.
	Service string
	// Profiles are its CPU profiles.
	Profiles opportunity.Source
	// Instances is how many instances run it; 0 means 1.
	Instances float64
	// Repo is where its fixes are proposed: "owner/name" on GitHub or a
	// local clone's path.
	Repo string
}

// ScanOptions are what a scan looks for and how it scales what it finds.
type ScanOptions struct {
	// Patterns are the inefficiency patterns looked for.
	Patterns []opportunity.Pattern
	// WattsPerCore turns cores into watts; MinShare is the smallest share
	// of CPU a finding must have.
	WattsPerCore, MinShare float64
	// Now is the clock that picks recent profiles; nil means time.Now.
	Now func() time.Time
}

// Scan surveys each target's profiles, offers what it finds and checks the
// target's merged fixes against the scan. A target whose profiles cannot
// be read is logged and the others still scanned.
func (f *Offense) Scan(ctx context.Context, targets []Target, o ScanOptions) error {
	if o.Now == nil {
		o.Now = time.Now
	}
	for _, t := range targets {
		sc := &opportunity.Scanner{Source: t.Profiles, Patterns: o.Patterns, Now: o.Now,
			Scale: func(string) opportunity.Options {
				return opportunity.Options{Instances: t.Instances, WattsPerCore: o.WattsPerCore, MinShare: o.MinShare}
			}}
		scanned, err := sc.Survey(ctx, t.Service)
		if err != nil {
			f.log.ErrorContext(ctx, "opportunity scan failed", "service", t.Service, "err", err)
			continue
		}
		fresh, err := f.OfferOpportunities(ctx, t.Service, Offers(t, scanned.Findings))
		if err != nil {
			return fmt.Errorf("scan %s: %w", t.Service, err)
		}
		fixed, err := f.CheckFixes(ctx, t.Service, Report(t.Service, scanned))
		if err != nil {
			return fmt.Errorf("scan %s: %w", t.Service, err)
		}
		f.log.InfoContext(ctx, "opportunity scan", "service", t.Service, "findings", len(scanned.Findings), "new", len(fresh), "fixed", len(fixed))
	}
	return nil
}

// Job is the periodic job "offense": on spec (in loc; nil means UTC) it
// scans targets.
func (f *Offense) Job(spec string, loc *time.Location, targets []Target, o ScanOptions) periodic.Job {
	return periodic.Job{Name: "offense", Spec: spec, Location: loc, Do: func(ctx context.Context, _ time.Time) error {
		return f.Scan(ctx, targets, o)
	}}
}

// Report keys a scan's findings and measured shares by opportunity
// fingerprint, for the fix check.
func Report(service string, sc opportunity.Scanned) ScanReport {
	r := ScanReport{Found: map[string]float64{}, Measured: map[string]float64{}, Oldest: sc.Oldest, Newest: sc.Newest}
	for _, f := range sc.Findings {
		r.Found[store.OpportunityFingerprint(service, f.Function, f.Pattern)] = f.Share
	}
	for _, f := range sc.Measured {
		r.Measured[store.OpportunityFingerprint(service, f.Function, f.Pattern)] = f.Share
	}
	return r
}

// Offers turns a target's findings into opportunity records, with a fix
// proposal for each mechanical one.
func Offers(t Target, fs []opportunity.Finding) []Offer {
	out := make([]Offer, 0, len(fs))
	for _, f := range fs {
		o := store.Opportunity{Fingerprint: store.OpportunityFingerprint(t.Service, f.Function, f.Pattern),
			Service: t.Service, Function: f.Function, File: f.File, Lines: f.LineSpan(), Pattern: f.Pattern,
			CPUShare: f.Share, Cores: f.Cores, Watts: f.Watts, Suggestion: f.Suggestion}
		of := Offer{Opportunity: o}
		if f.Fix != nil {
			r := strings.NewReplacer("{function}", f.Function, "{file}", f.File, "{lines}", f.LineSpan())
			of.Fix = &store.Proposal{Kind: store.ProposalFix, Target: f.Function, Repo: t.Repo,
				Title: r.Replace(f.Fix.Title), Body: r.Replace(f.Fix.Body) + "\n\n" + f.Suggestion}
		}
		out = append(out, of)
	}
	return out
}
