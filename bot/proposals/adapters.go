package proposals

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/opportunity"
	"github.com/wattson-dev/wattson/skills/propose"
	"github.com/wattson-dev/wattson/store"
)

// This file adapts the skills' code-host router, recovery checker and
// learned patterns to the desk's interfaces: store records in, the desk's
// results out.

// pullRequests is PullRequests over the code-host router.
type pullRequests struct{ hosts *propose.Hosts }

// CodeHosts returns the desk's PullRequests over the skills' code-host
// router: each proposal goes to its repository's host as a propose.Change
// (the revert body gets the regression's evidence). It returns nil when
// hosts is nil (no code host configured).
func CodeHosts(hosts *propose.Hosts) PullRequests {
	if hosts == nil {
		return nil
	}
	return pullRequests{hosts}
}

func (p pullRequests) Open(ctx context.Context, pr store.Proposal, r store.Regression) (PRResult, error) {
	o, err := p.hosts.Open(ctx, change(pr, r))
	return o, err
}

func (p pullRequests) Approve(ctx context.Context, pr store.Proposal) (PRResult, error) {
	o, err := p.hosts.Approve(ctx, change(pr, store.Regression{}))
	return o, err
}

func (p pullRequests) Close(ctx context.Context, pr store.Proposal, reason string) (PRResult, error) {
	o, err := p.hosts.Close(ctx, change(pr, store.Regression{}), reason)
	return o, err
}

func (p pullRequests) State(ctx context.Context, pr store.Proposal) (PRResult, error) {
	o, err := p.hosts.State(ctx, change(pr, store.Regression{}))
	return o, err
}

// change is proposal p of regression r as its code host sees it.
func change(p store.Proposal, r store.Regression) propose.Change {
	return propose.Change{ID: p.ID, Kind: propose.Kind(p.Kind), Target: p.Target, Title: p.Title, Body: p.Body,
		Repo: p.Repo, Service: r.Service, URL: p.PRURL, Number: p.PRNumber, Head: p.PRHead,
		Evidence: propose.Evidence{Service: r.Service, Metric: r.Metric, Before: r.Before, After: r.After, Pct: r.Pct,
			ChangeTime: r.ChangeTime, RegressionID: r.ID, Thread: propose.ThreadLink(r.Thread.Platform, r.Thread.Channel, r.Thread.MessageID)}}
}

// recoveryChecker is RecoveryChecker over the services' checker.
type recoveryChecker struct{ checker *propose.Checker }

// RecoveryOf returns the desk's RecoveryChecker over the skills' recovery
// checker; nil when c is nil.
func RecoveryOf(c *propose.Checker) RecoveryChecker {
	if c == nil {
		return nil
	}
	return recoveryChecker{c}
}

// CheckRecovery re-checks r's series after the first deploy that followed
// mergedAt.
func (c recoveryChecker) CheckRecovery(ctx context.Context, r store.Regression, mergedAt time.Time) (Recovery, error) {
	rec, sum, err := c.checker.Check(ctx, propose.Check{Service: r.Service, Metric: r.Metric, Before: r.Before, After: r.After,
		ChangeTime: r.ChangeTime, Merged: mergedAt})
	if err != nil {
		return Recovery{}, fmt.Errorf("verify %s: %w", r.ID, err)
	}
	return Recovery{Ready: rec.Ready, Recovered: rec.Recovered, Level: rec.Level, Summary: sum}, nil
}

// learner is Learner: it records lessons as pattern files in dir
// (skills.dir), reading a reverted culprit from its service's code host.
type learner struct {
	dir   string
	hosts func(service string) skills.CodeHost
	log   *slog.Logger
}

// SkillLearner returns a Learner that records each lesson as a pattern
// of the skill library in dir (skills.dir), reading a reverted culprit
// through hosts (its service's code host; nil when none); nil when dir is
// not set.
func SkillLearner(dir string, hosts func(service string) skills.CodeHost, logger *slog.Logger) Learner {
	if dir == "" {
		return nil
	}
	return learner{dir: dir, hosts: hosts, log: logger.With("component", "learner")}
}

// Learn writes <dir>/learned-fixes/references/patterns/<id>.yaml. A lesson
// without a library function to recognise is skipped.
func (l learner) Learn(ctx context.Context, les Lesson) error {
	in := opportunity.Lesson{Proposal: les.Proposal.ID, Title: les.Proposal.Title, Regression: les.Regression.ID,
		Service: les.Regression.Service, Effect: les.Effect}
	if les.Investigation != nil {
		for _, st := range les.Investigation.Steps {
			var d skills.ProfileDiff
			if st.Skill == "profile_diff" && st.Error == "" && json.Unmarshal(st.Output, &d) == nil {
				in.Diffs = append(in.Diffs, d)
			}
		}
	}
	if h := l.hosts(les.Regression.Service); h != nil && les.Proposal.Kind == store.ProposalRevert {
		sha := les.Proposal.Target
		if cs, err := h.Changes(ctx, sha+"^", sha); err != nil || len(cs) == 0 {
			l.log.InfoContext(ctx, "culprit not read", "commit", sha, "err", err)
		} else {
			in.Culprit = &cs[len(cs)-1]
		}
	}
	p, ok := opportunity.LearnedPattern(in)
	if !ok {
		l.log.InfoContext(ctx, "nothing to learn", "proposal", les.Proposal.ID)
		return nil
	}
	if err := opportunity.WriteLearned(l.dir, p, les.Regression.ID); err != nil {
		return fmt.Errorf("learn %s: %w", les.Proposal.ID, err)
	}
	return nil
}
