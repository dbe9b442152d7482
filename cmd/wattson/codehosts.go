package main

import (
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/github"
	"github.com/wattson-dev/wattson/skills/gitlocal"
	"github.com/wattson-dev/wattson/skills/propose"
)

// codeHost is a code host that investigations read and proposals act on:
// *gitlocal.Repo and *github.Host.
type codeHost interface {
	skills.CodeHost
	propose.Host
}

var (
	_ codeHost = (*gitlocal.Repo)(nil)
	_ codeHost = (*github.Host)(nil)
)

// codeHosts are the configured repositories' code hosts, each built once
// at start-up: a service's investigations, its proposals and the lessons
// of its fixes use the same host.
type codeHosts struct {
	repos          map[string]codeHost // by repository: "owner/name" or a clone's path
	byService      map[string]string   // service → repository
	fallback       string              // the repository of a service with none configured
	mergeOnApprove bool
}

// newCodeHosts builds the code hosts cfg names: services[].repo (local
// clones), services[].github and github.repos (GitHub, with github.token or
// the GitHub App credentials). It reads the App's private key, nothing
// else.
func newCodeHosts(cfg config, logger *slog.Logger) (codeHosts, error) {
	h := codeHosts{repos: map[string]codeHost{}, byService: map[string]string{}, mergeOnApprove: cfg.GitHub.MergeOnApprove}
	for _, sv := range cfg.Services {
		switch {
		case sv.Repo != "":
			h.repos[sv.Repo], h.byService[sv.Name] = gitlocal.New(sv.Repo), sv.Repo
		case sv.GitHub != "":
			gh, err := newGitHubHost(cfg, sv.GitHub, logger)
			if err != nil {
				return h, err
			}
			h.repos[sv.GitHub], h.byService[sv.Name] = gh, sv.GitHub
		}
	}
	for _, name := range cfg.GitHub.Repos {
		if _, ok := h.repos[name]; ok {
			continue
		}
		gh, err := newGitHubHost(cfg, name, logger)
		if err != nil {
			return h, err
		}
		h.repos[name] = gh
	}
	if len(cfg.GitHub.Repos) == 1 {
		h.fallback = cfg.GitHub.Repos[0]
	}
	return h, nil
}

// localCodeHosts is one local clone at dir as every service's code host
// (wattson demo, console use): proposals become wattson/revert-<sha>
// branches checked with `go build -trimpath ./...` (the flags of `make
// build`, so the build cache it left is reused); approve merges the branch
// into the clone's current branch when mergeOnApprove, and reject deletes
// it. It does no I/O.
func localCodeHosts(dir string, mergeOnApprove bool) codeHosts {
	return codeHosts{repos: map[string]codeHost{dir: gitlocal.New(dir).WithBuild("go", "build", "-trimpath", "./...")},
		byService: map[string]string{}, fallback: dir, mergeOnApprove: mergeOnApprove}
}

// of returns the code host of service (its repository, else the
// fallback); nil when it has none.
func (h codeHosts) of(service string) codeHost {
	name := h.byService[service]
	if name == "" {
		name = h.fallback
	}
	return h.repos[name]
}

// router routes proposals to the hosts; nil when there is none.
func (h codeHosts) router(logger *slog.Logger) *propose.Hosts {
	if len(h.repos) == 0 {
		return nil
	}
	repos := make(map[string]propose.Host, len(h.repos))
	merging := map[string]bool{}
	for name, host := range h.repos {
		repos[name] = host
		_, merging[name] = host.(*gitlocal.Repo) // a local clone has no review step: approve merges
	}
	return &propose.Hosts{Repos: repos, ByService: h.byService, Fallback: h.fallback, MergeOnApprove: h.mergeOnApprove,
		Merging: merging, Log: logger.With("component", "pull_requests")}
}

// newGitHubHost is the one builder of a GitHub code host: repository name
// ("owner/repo"), authenticated with github.token or, when github.app_id
// is set, as the GitHub App installation (github.installation_id,
// github.private_key_file); github.api_url points at GitHub Enterprise.
func newGitHubHost(cfg config, name string, logger *slog.Logger) (*github.Host, error) {
	owner, repo, _ := strings.Cut(name, "/")
	if !repoName(name) {
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

// repoName reports whether name is a GitHub "owner/repo".
func repoName(name string) bool {
	owner, repo, ok := strings.Cut(name, "/")
	return ok && owner != "" && repo != "" && !strings.Contains(repo, "/")
}
