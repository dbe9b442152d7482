// Package builtin builds the registry of Wattson's built-in skills over one
// service's data sources: its metrics, deploys, code host and profiles. The
// list is explicit, in one place; a skill whose source is not configured is
// left out with the reason, which `wattson skills` shows (the reasons name
// the command-line flags and config keys that would provide it).
package builtin

import (
	"time"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/fixgate"
	"github.com/wattson-dev/wattson/skills/opportunity"
	"github.com/wattson-dev/wattson/skills/propose"
)

// Deps are the outside systems the built-in skills need; a nil field is not
// configured and the skills needing it are left out.
type Deps struct {
	// Series reads metrics: find_change_point, verify_recovery.
	Series skills.SeriesSource
	// Deploys say which revision ran when, the first one preferred by
	// verify_recovery: deploys_in_window.
	Deploys []skills.DeploySource
	// Host is the code host: list_changes and rank_suspects; also
	// propose_revert and propose_fix when it is a propose.Preparer.
	Host skills.CodeHost
	// Profiles are the service's profiles: profile_diff; also
	// find_opportunities when it is an opportunity.Source.
	Profiles skills.ProfileSource
	// Patterns are what find_opportunities looks for: the skill
	// library's (library.Load, then opportunity.LoadPatterns).
	Patterns []opportunity.Pattern
	// WattsPerCore turns cores into watts.
	WattsPerCore float64
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Checkout is a local clone of the service's repository; when set,
	// propose_fix's edits pass the gate there (build, vet, tests of the
	// changed packages, before/after benchmark: skills/fixgate) before
	// they are opened.
	Checkout string
}

// noHost is why the skills that need a code host are left out.
const noHost = "no code host: pass --repo PATH or --github OWNER/REPO (or set github.repos)"

// Registry lists the built-in skills over d explicitly, leaving out (with
// the reason) those whose dependency is not configured. It does no I/O.
func Registry(d Deps) *skills.Registry {
	now := d.Now
	if now == nil {
		now = time.Now
	}
	r := skills.NewRegistry()
	if d.Series != nil {
		r.Add(skills.NewFindChangePoint(d.Series, now))
	} else {
		r.LeaveOut("find_change_point", "no metrics: pass --metrics FILE or --prometheus URL (or set detection.prometheus)")
	}
	if len(d.Deploys) > 0 {
		r.Add(skills.NewDeploysInWindow(d.Deploys...))
	} else {
		r.LeaveOut("deploys_in_window", "no deploy source: pass --deploys FILE, or metrics with a <service>_build_info series")
	}
	if d.Host != nil {
		r.Add(skills.NewListChanges(d.Host))
		r.Add(skills.NewRankSuspects(d.Host))
	} else {
		r.LeaveOut("list_changes", noHost)
		r.LeaveOut("rank_suspects", noHost)
	}
	if d.Profiles != nil {
		r.Add(skills.NewProfileDiff(d.Profiles))
	} else {
		r.LeaveOut("profile_diff", "no profiles: pass --profiles DIR")
	}
	r.Add(skills.NewEstimateImpact(d.WattsPerCore))
	if src, ok := d.Profiles.(opportunity.Source); ok {
		r.Add(opportunity.NewSkill(&opportunity.Scanner{Source: src, Patterns: d.Patterns, Now: now,
			Scale: func(string) opportunity.Options { return opportunity.Options{WattsPerCore: d.WattsPerCore} }}))
	} else {
		r.LeaveOut("find_opportunities", "no profiles: pass --profiles DIR")
	}
	if prep, ok := d.Host.(propose.Preparer); ok {
		r.Add(propose.NewProposeRevert(prep))
		var fix propose.Preparer = prep
		if d.Checkout != "" {
			fix = &fixgate.Gated{Checkout: d.Checkout, Next: prep}
		}
		r.Add(propose.NewProposeFix(fix))
	} else {
		r.LeaveOut("propose_revert", noHost)
		r.LeaveOut("propose_fix", noHost)
	}
	if d.Series != nil && len(d.Deploys) > 0 {
		r.Add(propose.NewVerifyRecovery(d.Series, d.Deploys[0], now))
	} else {
		r.LeaveOut("verify_recovery", "needs metrics and a deploy source")
	}
	return r
}
