package main

import (
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/cmd/wattson/internal/promsource"
	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/builtin"
	"github.com/wattson-dev/wattson/skills/deploys"
	"github.com/wattson-dev/wattson/skills/gitlocal"
	"github.com/wattson-dev/wattson/skills/metrics"
	"github.com/wattson-dev/wattson/skills/opportunity"
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

// deps turns the flags and config into the skills' dependencies, with the
// code host the flags name and the library's patterns.
func (sf *sourceFlags) deps(cfg config, patterns []opportunity.Pattern, logger *slog.Logger) (builtin.Deps, error) {
	ds := sf.sources()
	host, err := ds.host(cfg, logger)
	if err != nil {
		return builtin.Deps{}, err
	}
	return ds.deps(cfg, host, patterns)
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

// serviceSources are the data sources of a configured service; its code
// host is built with the others (newCodeHosts).
func serviceSources(sv serviceConfig) dataSources {
	return dataSources{metrics: sv.Metrics, deployLog: sv.Deploys, profiles: sv.Profiles}
}

// host builds the code host the flags name: --repo's clone, or --github's
// repository (else github.repos' only one); nil when none. It does no I/O.
func (ds dataSources) host(cfg config, logger *slog.Logger) (codeHost, error) {
	switch {
	case ds.repo != "" && ds.github != "":
		return nil, usageErrorf("give --repo or --github, not both")
	case ds.repo != "":
		return gitlocal.New(ds.repo), nil
	case ds.github != "" || len(cfg.GitHub.Repos) == 1:
		name := ds.github
		if name == "" {
			name = cfg.GitHub.Repos[0]
		}
		if !repoName(name) {
			return nil, usageErrorf("--github wants OWNER/REPO, not %q", name)
		}
		h, err := newGitHubHost(cfg, name, logger)
		if err != nil {
			return nil, err
		}
		return h, nil
	}
	return nil, nil
}

// deps turns the sources and config into the skills' dependencies over
// host (nil: none); a GitHub host also says when revisions deployed. It
// does no I/O beyond building clients.
func (ds dataSources) deps(cfg config, host skills.CodeHost, patterns []opportunity.Pattern) (builtin.Deps, error) {
	d := builtin.Deps{Host: host, Patterns: patterns, WattsPerCore: cfg.Impact.WattsPerCore, Now: time.Now, Checkout: ds.repo}
	promURL := ds.prometheus
	if promURL == "" && len(ds.metrics) == 0 {
		promURL = cfg.Detection.Prometheus
	}
	switch {
	case len(ds.metrics) > 0 && ds.prometheus != "":
		return d, usageErrorf("give --metrics or --prometheus, not both")
	case len(ds.metrics) > 0:
		d.Series = metrics.NewFiles(ds.metrics...)
	case promURL != "":
		src, err := promsource.New(promURL, promsource.Options{Timeout: 30 * time.Second, Client: cfg.Detection.Client})
		if err != nil {
			return d, fmt.Errorf("connect prometheus: %w", err)
		}
		d.Series = metrics.NewPrometheus(src, time.Minute)
	}
	if ds.deployLog != "" {
		d.Deploys = append(d.Deploys, deploys.NewLog(ds.deployLog))
	}
	if d.Series != nil {
		d.Deploys = append(d.Deploys, deploys.NewBuildInfo(d.Series))
	}
	if dep, ok := host.(skills.DeploySource); ok {
		d.Deploys = append(d.Deploys, dep)
	}
	if ds.profiles != "" {
		d.Profiles = pprofdir.New(ds.profiles)
	}
	return d, nil
}
