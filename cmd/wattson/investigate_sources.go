package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/detector/prom"
	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/deploys"
	"github.com/wattson-dev/wattson/skills/github"
	"github.com/wattson-dev/wattson/skills/gitlocal"
	"github.com/wattson-dev/wattson/skills/metrics"
	"github.com/wattson-dev/wattson/skills/pprofdir"
)

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// sourceFlags are the flags that say where an investigation's data lives.
type sourceFlags struct {
	metrics    stringList
	prometheus *string
	deployLog  *string
	repo       *string
	github     *string
	profiles   *string
}

// addSourceFlags registers the data-source flags on fs.
func addSourceFlags(fs *flag.FlagSet) *sourceFlags {
	sf := &sourceFlags{}
	fs.Var(&sf.metrics, "metrics", "saved Prometheus query_range response `file` (repeatable: the CPU series, the build_info series)")
	sf.prometheus = fs.String("prometheus", "", "Prometheus `URL` to query instead of --metrics (default detection.prometheus)")
	sf.deployLog = fs.String("deploys", "", "deploy log `file`: JSON [{time, revision, version, environment}]")
	sf.repo = fs.String("repo", "", "local git clone of the service `path`")
	sf.github = fs.String("github", "", "GitHub repository `owner/repo` (token from GITHUB_TOKEN or github.token)")
	sf.profiles = fs.String("profiles", "", "profile `dir` laid out as <service>/<RFC3339>.pb.gz")
	return sf
}

// deps turns the flags and config into skill dependencies. It does no I/O
// beyond building clients.
func (sf *sourceFlags) deps(_ context.Context, cfg config, e *env) (skillDeps, error) {
	d := skillDeps{wattsPerCore: cfg.Impact.WattsPerCore, now: time.Now}
	promURL := *sf.prometheus
	if promURL == "" && len(sf.metrics) == 0 {
		promURL = cfg.Detection.Prometheus
	}
	switch {
	case len(sf.metrics) > 0 && *sf.prometheus != "":
		return d, usageErrorf("give --metrics or --prometheus, not both")
	case len(sf.metrics) > 0:
		d.series = metrics.NewFiles(sf.metrics...)
	case promURL != "":
		src, err := prom.New(promURL, &http.Client{Timeout: 30 * time.Second})
		if err != nil {
			return d, fmt.Errorf("connect prometheus: %w", err)
		}
		d.series = metrics.NewPrometheus(src, time.Minute)
	}
	if *sf.deployLog != "" {
		d.deploys = append(d.deploys, deploys.NewLog(*sf.deployLog))
	}
	if d.series != nil {
		d.deploys = append(d.deploys, deploys.NewBuildInfo(d.series))
	}
	switch {
	case *sf.repo != "" && *sf.github != "":
		return d, usageErrorf("give --repo or --github, not both")
	case *sf.repo != "":
		d.host = gitlocal.New(*sf.repo)
	case *sf.github != "" || len(cfg.GitHub.Repos) == 1:
		name := *sf.github
		if name == "" {
			name = cfg.GitHub.Repos[0]
		}
		owner, repo, ok := strings.Cut(name, "/")
		if !ok || owner == "" || repo == "" || strings.Contains(repo, "/") {
			return d, usageErrorf("--github wants OWNER/REPO, not %q", name)
		}
		h, err := github.New(github.Options{Owner: owner, Repo: repo, Token: string(cfg.GitHub.Token), BaseURL: cfg.GitHub.APIURL})
		if err != nil {
			return d, err
		}
		d.host = h
		d.deploys = append(d.deploys, h)
	}
	if *sf.profiles != "" {
		d.profiles = pprofdir.New(*sf.profiles)
	}
	_ = e
	return d, nil
}

var _ skills.CodeHost = (*github.Host)(nil)
