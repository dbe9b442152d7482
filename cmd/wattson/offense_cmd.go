package main

import (
	"context"
	"log/slog"

	"github.com/wattson-dev/wattson/cmd/wattson/internal/offensecmd"
)

// cmdOffense is `wattson offense`; its work is package offensecmd's.
func cmdOffense(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("offense", e)
	path := configFlag(fs, e)
	f := offensecmd.Register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := f.Check(fs.Args()); err != nil {
		return usageErrorf("offense: %v", err)
	}
	cfg, err := loadConfig(*path, e.getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	_, pats := loadLibrary(cfg, log)
	d := offensecmd.Deps{Patterns: pats, WattsPerCore: cfg.Impact.WattsPerCore}
	if f.GitHub != "" {
		if d.GitHub, err = newGitHubHost(cfg, f.GitHub, log); err != nil {
			return usageErrorf("offense: --github: %v", err)
		}
	}
	_, err = offensecmd.Run(ctx, f, d, e.stdout)
	return err
}

// evalOffense is `wattson eval offense`; its work is package offensecmd's.
func evalOffense(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("eval", e)
	path := configFlag(fs, e)
	f := offensecmd.RegisterEval(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := f.Check(fs.Args()); err != nil {
		return usageErrorf("eval offense: %v", err)
	}
	cfg, err := loadConfig(*path, e.getenv)
	if err != nil {
		return err
	}
	_, pats := loadLibrary(cfg, slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	_, err = offensecmd.Eval(ctx, f, pats, e.stdout)
	return err
}
