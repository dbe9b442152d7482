// Package github is a CodeHost and DeploySource over the GitHub REST API
// (go-github), for github.com and GitHub Enterprise.
package github

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
	// App authenticates as a GitHub App installation instead of Token;
	// its installation token is minted on first use and replaced before
	// it expires.
	App *App
	// Attempts bounds the tries of one request that GitHub rate limits or
	// fails with a 5xx; 0 means 4. Backoff is the first wait after a 5xx
	// (doubling after each); 0 means 1 s. MaxWait is the longest rate
	// limit waited out; 0 means 2 minutes.
	Attempts int
	Backoff  time.Duration
	MaxWait  time.Duration
	// Now and Sleep are the clock and the wait between retries; nil means
	// the real ones.
	Now   func() time.Time
	Sleep func(context.Context, time.Duration) error
	// Logger receives retries; nil discards them. Tokens are never
	// logged.
	Logger *slog.Logger
}

// Host is one GitHub repository.
type Host struct {
	c           *gh.Client
	owner, repo string
	graphql     string
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
	base, err := url.Parse("https://api.github.com/")
	if o.BaseURL != "" {
		base, err = url.Parse(strings.TrimSuffix(o.BaseURL, "/") + "/")
	}
	if err != nil {
		return nil, fmt.Errorf("parse github base URL: %w", err)
	}
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	rt := &retrier{next: next, attempts: o.Attempts, backoff: o.Backoff, maxWait: o.MaxWait, now: o.Now, sleep: o.Sleep, log: o.Logger}
	if rt.attempts <= 0 {
		rt.attempts = defaultAttempts
	}
	if rt.backoff <= 0 {
		rt.backoff = defaultBackoff
	}
	if rt.maxWait <= 0 {
		rt.maxWait = defaultMaxWait
	}
	if rt.now == nil {
		rt.now = time.Now
	}
	if rt.sleep == nil {
		rt.sleep = sleepCtx
	}
	if rt.log == nil {
		rt.log = slog.New(slog.DiscardHandler)
	}
	client := *hc
	client.Transport = rt
	if o.App != nil {
		client.Transport = &appTransport{next: rt, app: *o.App, base: base, now: rt.now}
	}
	c := gh.NewClient(&client)
	if o.Token != "" && o.App == nil {
		c = c.WithAuthToken(o.Token)
	}
	c.BaseURL = base
	return &Host{c: c, owner: o.Owner, repo: o.Repo, graphql: graphqlURL(base)}, nil
}

// graphqlURL is the GraphQL endpoint beside a REST base URL:
// api.github.com/graphql, or <host>/api/graphql for GitHub Enterprise
// (REST at <host>/api/v3/).
func graphqlURL(base *url.URL) string {
	u := *base
	if strings.HasSuffix(u.Path, "/api/v3/") {
		u.Path = strings.TrimSuffix(u.Path, "v3/") + "graphql"
	} else {
		u.Path += "graphql"
	}
	return u.String()
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
