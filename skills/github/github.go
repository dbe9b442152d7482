// Package github is a CodeHost and DeploySource over the GitHub REST API
// (go-github), for github.com and GitHub Enterprise.
package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	gh "github.com/google/go-github/v62/github"

	"github.com/wattson-dev/wattson/skills"
)

// Options configure a Host.
type Options struct {
	// Owner and Repo name the repository.
	Owner, Repo string
	// Token authenticates; empty means anonymous (public repositories,
	// low rate limits).
	Token string
	// BaseURL is the REST API root, e.g. https://ghe.example.com/api/v3/;
	// empty means api.github.com.
	BaseURL string
	// HTTPClient is used for requests; nil means a client with a 30 s
	// timeout.
	HTTPClient *http.Client
}

// Host is one GitHub repository.
type Host struct {
	c           *gh.Client
	owner, repo string
}

var (
	_ skills.CodeHost     = (*Host)(nil)
	_ skills.DeploySource = (*Host)(nil)
)

// New returns a Host. It does no I/O.
func New(o Options) (*Host, error) {
	hc := o.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	c := gh.NewClient(hc)
	if o.Token != "" {
		c = c.WithAuthToken(o.Token)
	}
	if o.BaseURL != "" {
		u, err := url.Parse(strings.TrimSuffix(o.BaseURL, "/") + "/")
		if err != nil {
			return nil, fmt.Errorf("parse github base URL: %w", err)
		}
		c.BaseURL = u
	}
	return &Host{c: c, owner: o.Owner, repo: o.Repo}, nil
}

// maxCommits bounds one comparison (GitHub's compare API lists at most 250).
const maxCommits = 250

// Changes lists the commits in from...to, oldest first, each with its
// files and patches.
func (h *Host) Changes(ctx context.Context, from, to string) ([]skills.Change, error) {
	cmp, _, err := h.c.Repositories.CompareCommits(ctx, h.owner, h.repo, from, to, &gh.ListOptions{PerPage: 100})
	if err != nil {
		return nil, fmt.Errorf("compare %s...%s: %w", from, to, mapErr(err, skills.ErrUnknownRevision))
	}
	if cmp.GetTotalCommits() > maxCommits {
		return nil, fmt.Errorf("compare %s...%s: %d commits, more than %d", from, to, cmp.GetTotalCommits(), maxCommits)
	}
	out := make([]skills.Change, 0, len(cmp.Commits))
	for _, rc := range cmp.Commits {
		full, _, err := h.c.Repositories.GetCommit(ctx, h.owner, h.repo, rc.GetSHA(), &gh.ListOptions{PerPage: 300})
		if err != nil {
			return nil, fmt.Errorf("get commit %s: %w", rc.GetSHA(), mapErr(err, skills.ErrUnknownRevision))
		}
		out = append(out, toChange(full))
	}
	return out, nil
}

// toChange converts a GitHub commit.
func toChange(c *gh.RepositoryCommit) skills.Change {
	commit := c.GetCommit()
	title, _, _ := strings.Cut(commit.GetMessage(), "\n")
	ch := skills.Change{
		SHA:        c.GetSHA(),
		Author:     commit.GetAuthor().GetName(),
		Email:      commit.GetAuthor().GetEmail(),
		AuthorTime: commit.GetAuthor().GetDate().UTC(),
		CommitTime: commit.GetCommitter().GetDate().UTC(),
		Title:      title,
	}
	for _, f := range c.Files {
		fc := skills.FileChange{Path: f.GetFilename(), OldPath: f.GetPreviousFilename(), Status: f.GetStatus(),
			Additions: f.GetAdditions(), Deletions: f.GetDeletions(), Patch: f.GetPatch()}
		switch fc.Status {
		case "modified", "changed":
			fc.Status, fc.OldPath = "modified", fc.Path
		case "removed":
			fc.OldPath = fc.Path
		}
		ch.Files = append(ch.Files, fc)
	}
	return ch
}

// ReadFile returns path at rev.
func (h *Host) ReadFile(ctx context.Context, rev, path string) ([]byte, error) {
	fc, _, _, err := h.c.Repositories.GetContents(ctx, h.owner, h.repo, path, &gh.RepositoryContentGetOptions{Ref: rev})
	if err != nil {
		return nil, fmt.Errorf("read %s at %s: %w", path, rev, mapErr(err, skills.ErrNotFound))
	}
	if fc == nil {
		return nil, fmt.Errorf("read %s at %s: a directory: %w", path, rev, skills.ErrNotFound)
	}
	s, err := fc.GetContent()
	if err != nil {
		return nil, fmt.Errorf("read %s at %s: %w", path, rev, err)
	}
	return []byte(s), nil
}

// Deploys lists the repository's production deployments that started
// before end, oldest first, from the last one at or before start.
func (h *Host) Deploys(ctx context.Context, _ string, start, end time.Time) ([]skills.Deploy, error) {
	var all []skills.Deploy
	opt := &gh.DeploymentsListOptions{Environment: "production", ListOptions: gh.ListOptions{PerPage: 100}}
	for page := 0; page < 10; page++ {
		ds, resp, err := h.c.Repositories.ListDeployments(ctx, h.owner, h.repo, opt)
		if err != nil {
			return nil, fmt.Errorf("list deployments: %w", err)
		}
		for _, d := range ds {
			all = append(all, skills.Deploy{Time: d.GetCreatedAt().UTC(), Revision: d.GetSHA(), Version: d.GetRef(), Environment: d.GetEnvironment()})
		}
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	var out []skills.Deploy
	first := time.Time{}
	for _, d := range all {
		if !d.Time.After(start) && d.Time.After(first) {
			first = d.Time
		}
	}
	for _, d := range all {
		if !d.Time.Before(first) && (end.IsZero() || d.Time.Before(end)) {
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("list deployments: no production deployments")
	}
	sortByTime(out)
	return out, nil
}

// mapErr turns a 404 or 422 from GitHub into notFound.
func mapErr(err, notFound error) error {
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil && (er.Response.StatusCode == http.StatusNotFound || er.Response.StatusCode == http.StatusUnprocessableEntity) {
		return fmt.Errorf("%w (%s)", notFound, er.Message)
	}
	return err
}

func sortByTime(ds []skills.Deploy) {
	for i := 1; i < len(ds); i++ {
		for j := i; j > 0 && ds[j].Time.Before(ds[j-1].Time); j-- {
			ds[j], ds[j-1] = ds[j-1], ds[j]
		}
	}
}
