package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"text/tabwriter"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/builtin"
	"github.com/wattson-dev/wattson/skills/library"
	"github.com/wattson-dev/wattson/skills/opportunity"
	"github.com/wattson-dev/wattson/skills/skillmd"
)

// loadLibrary loads the skill library once, at start-up: the built-in
// skills with skills.dir's over them, and the opportunity patterns they
// define. Skills and patterns that do not load are logged and left out.
func loadLibrary(cfg config, log *slog.Logger) (*skillmd.Library, []opportunity.Pattern) {
	lib, probs := library.Load(cfg.Skills.Dir)
	for _, p := range probs {
		log.Warn("skill left out", "path", p.Path, "err", p.Err)
	}
	pats, errs := opportunity.LoadPatterns(lib)
	for _, err := range errs {
		log.Warn("pattern not loaded", "err", err)
	}
	return lib, pats
}

func cmdSkills(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("skills", e)
	path := configFlag(fs, e)
	sf := addSourceFlags(fs)
	format := fs.String("format", "text", "output `format`: text or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("skills: unexpected argument %q", fs.Arg(0))
	}
	if *format != "text" && *format != "json" {
		return usageErrorf("skills: --format must be text or json, not %q", *format)
	}
	cfg, err := loadConfig(*path, e.getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.DiscardHandler)
	_, pats := loadLibrary(cfg, log)
	deps, err := sf.deps(cfg, pats, log)
	if err != nil {
		return err
	}
	reg := builtin.Registry(deps)
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Available   []skills.Info        `json:"available"`
			Unavailable []skills.Unavailable `json:"unavailable"`
		}{reg.Infos(), reg.Unavailable()})
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SKILL\tSTATUS\tDESCRIPTION")
	for _, in := range reg.Infos() {
		fmt.Fprintf(tw, "%s\tavailable\t%s\n", in.Name, in.Description)
	}
	for _, u := range reg.Unavailable() {
		fmt.Fprintf(tw, "%s\tunavailable\t%s\n", u.Name, u.Reason)
	}
	return tw.Flush()
}
