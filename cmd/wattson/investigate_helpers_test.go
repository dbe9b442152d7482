package main

import (
	"io"
	"log/slog"
	"time"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/deploys"
	"github.com/wattson-dev/wattson/skills/gitlocal"
	"github.com/wattson-dev/wattson/skills/metrics"
	"github.com/wattson-dev/wattson/skills/pprofdir"
	"github.com/wattson-dev/wattson/skills/skillstest"
)

func skillDepsForTest(sc skillstest.Scenario) skillDeps {
	series := metrics.NewFiles(sc.CPUFile, sc.BuildInfo)
	return skillDeps{
		series:       series,
		deploys:      []skills.DeploySource{deploys.NewLog(sc.DeploysFile), deploys.NewBuildInfo(series)},
		host:         gitlocal.New(sc.RepoDir),
		profiles:     pprofdir.New(sc.ProfilesDir),
		wattsPerCore: 10,
		now:          time.Now,
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
