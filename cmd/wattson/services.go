package main

import (
	"fmt"
	"log/slog"

	"github.com/wattson-dev/wattson/bot/investigator"
	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/builtin"
	"github.com/wattson-dev/wattson/skills/opportunity"
	"github.com/wattson-dev/wattson/skills/propose"
	"github.com/wattson-dev/wattson/skills/skillmd"
)

// services is what the configured services' investigations, proposals,
// recovery checks and lessons run on, built once at start-up: each
// service's data sources, code host, skill registry, playbook and (with an
// LLM) agent, and the skill library they share.
type services struct {
	hosts    codeHosts
	bundles  map[string]investigator.Service // by service
	recovery *propose.Checker
	lib      *skillmd.Library
	patterns []opportunity.Pattern
	// registries are the default registry (no data sources) and every
	// service's, for /wattson skills.
	registries []*skills.Registry
}

// newServices builds the services of cfg over hosts. It loads the skill
// library and the playbooks; it does no other I/O.
func newServices(cfg config, hosts codeHosts, logger *slog.Logger) (*services, error) {
	lib, pats := loadLibrary(cfg, logger)
	pb, err := findPlaybook("cpu-regression", cfg.Skills.Dir)
	if err != nil {
		return nil, err
	}
	s := &services{hosts: hosts, bundles: map[string]investigator.Service{}, recovery: &propose.Checker{Services: map[string]propose.Sources{}},
		lib: lib, patterns: pats, registries: []*skills.Registry{builtin.Registry(builtin.Deps{WattsPerCore: cfg.Impact.WattsPerCore})}}
	for _, sv := range cfg.Services {
		d, err := serviceSources(sv).deps(cfg, hosts.of(sv.Name), pats)
		if err != nil {
			return nil, fmt.Errorf("wire service %s: %w", sv.Name, err)
		}
		b := newInvestigation(cfg, d, pb, lib, true, logger)
		b.Repo, b.RPS = sv.GitHub, sv.RPS
		if b.Repo == "" {
			b.Repo = sv.Repo
		}
		s.bundles[sv.Name] = b
		s.recovery.Services[sv.Name] = recoverySources(d)
		s.registries = append(s.registries, b.Registry)
	}
	// A service not listed is checked on the detection Prometheus.
	d, err := dataSources{}.deps(cfg, hosts.of(""), nil)
	if err != nil {
		return nil, fmt.Errorf("wire recovery checks: %w", err)
	}
	s.recovery.Fallback = recoverySources(d)
	return s, nil
}

// newInvestigation is what investigations over d run on: its registry, the
// playbook and, with agent and an LLM configured, the agent offering the
// skills of lib.
func newInvestigation(cfg config, d builtin.Deps, pb skills.Playbook, lib *skillmd.Library, agent bool, logger *slog.Logger) investigator.Service {
	s := investigator.Service{Registry: builtin.Registry(d), Playbook: pb, Now: d.Now}
	if agent {
		s.Agent = newAgent(cfg, s.Registry, lib, logger, d.Now)
	}
	return s
}

// recoverySources are where d's recoveries are checked: its metrics and its
// first deploy source.
func recoverySources(d builtin.Deps) propose.Sources {
	src := propose.Sources{Series: d.Series}
	if len(d.Deploys) > 0 {
		src.Deploys = d.Deploys[0]
	}
	return src
}

// codeHost is the code host of a configured service; nil for a service
// not configured or without one.
func (s *services) codeHost(service string) skills.CodeHost {
	if _, ok := s.bundles[service]; !ok {
		return nil
	}
	return s.hosts.of(service)
}

// deploySource is where a configured service's deploys are read, for the
// marks on its alert charts: the one its recovery checks use; nil (no
// marks) for a service not configured.
func (s *services) deploySource(service string) skills.DeploySource {
	return s.recovery.Services[service].Deploys
}
