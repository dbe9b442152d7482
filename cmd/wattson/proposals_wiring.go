package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/bot/proposals"
	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/github"
	"github.com/wattson-dev/wattson/skills/gitlocal"
	"github.com/wattson-dev/wattson/skills/propose"
	"github.com/wattson-dev/wattson/store"
)

// prHost is a code host that prepares changes, acts on them and reads
// their state: *gitlocal.Repo and *github.Host.
type prHost interface {
	propose.Preparer
	propose.Actor
	// State reads where a change is now without changing it.
	State(ctx context.Context, pr skills.PullRequest) (skills.PullRequest, error)
}

// codeHosts is the bot's PullRequests over the configured code hosts:
// each service's local clone or GitHub repository.
type codeHosts struct {
	hosts          map[string]prHost // by repository: "owner/name" or a clone's path
	byService      map[string]string // service → repository
	fallback       string            // the repository of a service with none configured
	mergeOnApprove bool
	log            *slog.Logger
}

var _ proposals.PullRequests = (*codeHosts)(nil)

// newLocalPullRequests returns the bot's PullRequests over one local clone
// at dir for every service (wattson demo, console use): proposals become
// wattson/revert-<sha> branches checked with `go build -trimpath ./...`
// (the flags of `make build`, so the build cache it left is reused);
// approve merges the branch into the clone's current branch when
// mergeOnApprove, and reject deletes it. It does no I/O.
func newLocalPullRequests(dir string, mergeOnApprove bool, logger *slog.Logger) proposals.PullRequests {
	return &codeHosts{hosts: map[string]prHost{dir: gitlocal.New(dir).WithBuild("go", "build", "-trimpath", "./...")}, byService: map[string]string{}, fallback: dir,
		mergeOnApprove: mergeOnApprove, log: logger.With("component", "pull_requests")}
}

// newPullRequests returns the bot's PullRequests over the code hosts cfg
// names: services[].repo (local clones), services[].github and
// github.repos (GitHub, with github.token or the GitHub App credentials).
// It returns nil when no code host is configured. It does no I/O.
func newPullRequests(cfg config, logger *slog.Logger) (proposals.PullRequests, error) {
	c := &codeHosts{hosts: map[string]prHost{}, byService: map[string]string{}, mergeOnApprove: cfg.GitHub.MergeOnApprove,
		log: logger.With("component", "pull_requests")}
	for _, sv := range cfg.Services {
		switch {
		case sv.Repo != "":
			c.hosts[sv.Repo], c.byService[sv.Name] = gitlocal.New(sv.Repo), sv.Repo
		case sv.GitHub != "":
			h, err := newGitHubHost(cfg, sv.GitHub, logger)
			if err != nil {
				return nil, err
			}
			c.hosts[sv.GitHub], c.byService[sv.Name] = h, sv.GitHub
		}
	}
	for _, name := range cfg.GitHub.Repos {
		if _, ok := c.hosts[name]; ok {
			continue
		}
		h, err := newGitHubHost(cfg, name, logger)
		if err != nil {
			return nil, err
		}
		c.hosts[name] = h
	}
	if len(cfg.GitHub.Repos) == 1 {
		c.fallback = cfg.GitHub.Repos[0]
	}
	if len(c.hosts) == 0 {
		return nil, nil
	}
	return c, nil
}

// host returns the code host of p (by its repository, else its
// regression's service) and the repository's name.
func (c *codeHosts) host(p store.Proposal, service string) (prHost, string, error) {
	name := p.Repo
	if name == "" {
		name = c.byService[service]
	}
	if name == "" {
		name = c.fallback
	}
	h, ok := c.hosts[name]
	if !ok {
		return nil, "", fmt.Errorf("find code host of %s: no repository configured for service %q", p.ID, service)
	}
	return h, name, nil
}

// Open prepares p: a revert of p.Target as a draft pull request or local
// branch. A fix arrives with its pull request already made (propose_fix),
// so only its link is kept. A revert that conflicts becomes text.
func (c *codeHosts) Open(ctx context.Context, p store.Proposal, r store.Regression) (proposals.PRResult, error) {
	if p.PRURL != "" || p.Kind != store.ProposalRevert {
		return proposals.PRResult{URL: p.PRURL, Number: p.PRNumber}, nil
	}
	h, name, err := c.host(p, r.Service)
	if err != nil {
		return proposals.PRResult{}, err
	}
	ev := propose.Evidence{Service: r.Service, Metric: r.Metric, Before: r.Before, After: r.After, Pct: r.Pct,
		ChangeTime: r.ChangeTime, RegressionID: r.ID, Thread: threadLink(r.Thread)}
	if p.Body != "" {
		ev.Notes = []string{p.Body}
	}
	req := skills.RevertRequest{Commit: p.Target, Title: p.Title, Body: propose.RevertBody(p.Target, "", "", ev)}
	pr, err := h.Revert(ctx, req)
	var ce *skills.ConflictError
	if errors.As(err, &ce) {
		return proposals.PRResult{Repo: name, Body: propose.ConflictText(p.Target, ce.Files, ev),
			Notes: []string{fmt.Sprintf("the revert conflicts in %s: proposed as text", strings.Join(ce.Files, ", "))}}, nil
	}
	if err != nil {
		return proposals.PRResult{Notes: pr.Notes}, fmt.Errorf("open revert of %s: %w", p.Target, err)
	}
	c.log.InfoContext(ctx, "change prepared", "proposal", p.ID, "url", pr.URL, "state", pr.State)
	return result(pr, name), nil
}

// Approve marks p's change ready for review, or merges it when configured.
func (c *codeHosts) Approve(ctx context.Context, p store.Proposal) (proposals.PRResult, error) {
	h, name, err := c.host(p, "")
	if err != nil {
		return proposals.PRResult{}, err
	}
	pr := prOf(p)
	if c.mergeOnApprove {
		pr, err = h.Merge(ctx, pr)
	} else {
		pr, err = h.Ready(ctx, pr)
	}
	if err != nil {
		return proposals.PRResult{Notes: pr.Notes}, fmt.Errorf("approve %s: %w", p.ID, err)
	}
	return result(pr, name), nil
}

// Close closes p's change with reason.
func (c *codeHosts) Close(ctx context.Context, p store.Proposal, reason string) (proposals.PRResult, error) {
	h, name, err := c.host(p, "")
	if err != nil {
		return proposals.PRResult{}, err
	}
	if reason == "" {
		reason = "Rejected in Wattson."
	}
	pr, err := h.Close(ctx, prOf(p), reason)
	if err != nil {
		return proposals.PRResult{Notes: pr.Notes}, fmt.Errorf("close %s: %w", p.ID, err)
	}
	return result(pr, name), nil
}

// State reads where p's change is now, for a merge or close done by hand.
func (c *codeHosts) State(ctx context.Context, p store.Proposal) (proposals.PRResult, error) {
	h, name, err := c.host(p, "")
	if err != nil {
		return proposals.PRResult{}, err
	}
	pr, err := h.State(ctx, prOf(p))
	if err != nil {
		return proposals.PRResult{Notes: pr.Notes}, fmt.Errorf("read state of %s: %w", p.ID, err)
	}
	return result(pr, name), nil
}

// prOf is the change a stored proposal points at; a local branch's URL is
// its name.
func prOf(p store.Proposal) skills.PullRequest {
	pr := skills.PullRequest{URL: p.PRURL, Number: p.PRNumber, Commit: p.PRHead}
	if p.PRNumber == 0 {
		pr.Branch = p.PRURL
	}
	return pr
}

// result turns a prepared change into what the bot stores and tells.
func result(pr skills.PullRequest, repo string) proposals.PRResult {
	res := proposals.PRResult{URL: pr.URL, Number: pr.Number, Commit: pr.Commit, State: string(pr.State), Repo: repo, Notes: pr.Notes,
		MergedAt: pr.MergedAt, ClosedAt: pr.ClosedAt, By: pr.MergedBy}
	if pr.State == skills.StateClosed {
		res.By = pr.ClosedBy
	}
	if b := pr.Build; b != nil {
		verdict := "passes"
		if !b.OK {
			verdict = "FAILS: " + lastLine(b.Output)
		}
		res.Notes = append(res.Notes, fmt.Sprintf("`%s` on the change %s", b.Command, verdict))
	}
	return res
}

// threadLink points a pull request back at the alert thread.
func threadLink(t store.ThreadRef) string {
	switch {
	case t.MessageID == "":
		return ""
	case t.Platform == "slack":
		return "https://slack.com/archives/" + t.Channel + "/p" + strings.ReplaceAll(t.MessageID, ".", "")
	default:
		return fmt.Sprintf("%s channel %s, message %s", t.Platform, t.Channel, t.MessageID)
	}
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// addProposalSkills adds propose_revert and propose_fix over host to r, or
// records why they are left out when there is no code host.
func addProposalSkills(r *skills.Registry, host propose.Preparer) {
	if host == nil {
		reason := "no code host: pass --repo PATH or --github OWNER/REPO (or set github.repos)"
		r.LeaveOut("propose_revert", reason)
		r.LeaveOut("propose_fix", reason)
		return
	}
	r.Add(propose.NewProposeRevert(host))
	r.Add(propose.NewProposeFix(host))
}

// newGitHubHost returns the GitHub code host of repository name
// ("owner/repo"), authenticated with github.token or, when github.app_id is
// set, as the GitHub App installation (github.installation_id,
// github.private_key_file); github.api_url points at GitHub Enterprise.
func newGitHubHost(cfg config, name string, logger *slog.Logger) (prHost, error) {
	owner, repo, ok := strings.Cut(name, "/")
	if !ok || owner == "" || repo == "" || strings.Contains(repo, "/") {
		return nil, fmt.Errorf("github repository %q: want OWNER/REPO", name)
	}
	o := github.Options{Owner: owner, Repo: repo, Token: string(cfg.GitHub.Token), BaseURL: cfg.GitHub.APIURL,
		Logger: logger.With("component", "github", "repo", name)}
	if cfg.GitHub.AppID != 0 {
		key, err := os.ReadFile(cfg.GitHub.PrivateKeyFile)
		if err != nil {
			return nil, fmt.Errorf("read github.private_key_file: %w", err)
		}
		o.App = &github.App{ID: cfg.GitHub.AppID, InstallationID: cfg.GitHub.InstallationID, PrivateKey: key}
	}
	return github.New(o)
}

// recoveryChecker is the bot's RecoveryChecker over each configured
// service's metrics and deploy sources (services[], else the detection
// Prometheus).
type recoveryChecker struct {
	cfg config
	now func() time.Time
}

// newRecoveryChecker returns the bot's RecoveryChecker for cfg. It does no
// I/O.
func newRecoveryChecker(cfg config) proposals.RecoveryChecker {
	return &recoveryChecker{cfg: cfg, now: time.Now}
}

// CheckRecovery re-checks r's series after the first deploy that followed
// mergedAt.
func (c *recoveryChecker) CheckRecovery(ctx context.Context, r store.Regression, mergedAt time.Time) (proposals.Recovery, error) {
	ds := dataSources{}
	for _, sv := range c.cfg.Services {
		if sv.Name == r.Service {
			ds = serviceSources(sv)
		}
	}
	d, err := ds.deps(c.cfg)
	if err != nil {
		return proposals.Recovery{}, fmt.Errorf("verify %s: %w", r.ID, err)
	}
	if d.series == nil {
		return proposals.Recovery{}, fmt.Errorf("verify %s: no metrics configured for service %q", r.ID, r.Service)
	}
	var deploys skills.DeploySource
	if len(d.deploys) > 0 {
		deploys = d.deploys[0]
	}
	check := propose.Check{Service: r.Service, Metric: r.Metric, Before: r.Before, After: r.After, ChangeTime: r.ChangeTime, Merged: mergedAt}
	rec, err := propose.Verify(ctx, d.series, deploys, check, c.now())
	if err != nil {
		return proposals.Recovery{}, err
	}
	sum := propose.Summary(rec, check) + " (deploy at " + rec.Deploy.UTC().Format(time.RFC3339) + ")"
	return proposals.Recovery{Ready: rec.Ready, Recovered: rec.Recovered, Level: rec.Level, Summary: sum}, nil
}
