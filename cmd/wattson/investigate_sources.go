package main

import (
	"flag"
	"fmt"
	"log/slog"
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

// sources returns the data sources the flags name.
func (sf *sourceFlags) sources() dataSources {
	return dataSources{metrics: sf.metrics, prometheus: *sf.prometheus, deployLog: *sf.deployLog,
		repo: *sf.repo, github: *sf.github, profiles: *sf.profiles}
}

// dataSources say where an investigation's data lives: from flags, or from
// a services entry of the config.
type dataSources struct {
	metrics    []string
	prometheus string
	deployLog  string
	repo       string
	github     string
	profiles   string
}

// serviceSources are the data sources of a configured service.
func serviceSources(sv serviceConfig) dataSources {
	return dataSources{metrics: sv.Metrics, deployLog: sv.Deploys, repo: sv.Repo, github: sv.GitHub, profiles: sv.Profiles}
}

// deps turns the sources and config into skill dependencies. It does no
// I/O beyond building clients.
func (ds dataSources) deps(cfg config) (skillDeps, error) {
	d := skillDeps{wattsPerCore: cfg.Impact.WattsPerCore, now: time.Now}
	promURL := ds.prometheus
	if promURL == "" && len(ds.metrics) == 0 {
		promURL = cfg.Detection.Prometheus
	}
	switch {
	case len(ds.metrics) > 0 && ds.prometheus != "":
		return d, usageErrorf("give --metrics or --prometheus, not both")
	case len(ds.metrics) > 0:
		d.series = metrics.NewFiles(ds.metrics...)
	case promURL != "":
		src, err := prom.New(promURL, &http.Client{Timeout: 30 * time.Second})
		if err != nil {
			return d, fmt.Errorf("connect prometheus: %w", err)
		}
		d.series = metrics.NewPrometheus(src, time.Minute)
	}
	if ds.deployLog != "" {
		d.deploys = append(d.deploys, deploys.NewLog(ds.deployLog))
	}
	if d.series != nil {
		d.deploys = append(d.deploys, deploys.NewBuildInfo(d.series))
	}
	switch {
	case ds.repo != "" && ds.github != "":
		return d, usageErrorf("give --repo or --github, not both")
	case ds.repo != "":
		d.host = gitlocal.New(ds.repo)
	case ds.github != "" || len(cfg.GitHub.Repos) == 1:
		name := ds.github
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
	if ds.profiles != "" {
		d.profiles = pprofdir.New(ds.profiles)
		if cfg.Skills.Dir != "" {
			d.patterns = loadPatterns(cfg, slog.New(slog.DiscardHandler))
		}
	}
	return d, nil
}

var _ skills.CodeHost = (*github.Host)(nil)
