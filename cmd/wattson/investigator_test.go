package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/skills/skillstest"
	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/bolt"
)

func TestInvestigatorNamesCulpritAndProposesRevert(t *testing.T) {
	sc := skillstest.Build(t, false)
	st, err := bolt.Open(filepath.Join(t.TempDir(), "w.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cfg := defaultConfig()
	cfg.Services = []serviceConfig{{Name: sc.Service, Repo: sc.RepoDir, Profiles: sc.ProfilesDir,
		Deploys: sc.DeploysFile, Metrics: []string{sc.CPUFile, sc.BuildInfo}, RPS: 500}}
	inv := newInvestigator(cfg, st, slog.New(slog.DiscardHandler))

	var progress []string
	f, err := inv.Investigate(context.Background(), bot.Question{Service: sc.Service, Trigger: store.TriggerCommand},
		func(s string) { progress = append(progress, s) })
	if err != nil {
		t.Fatal(err)
	}
	if len(progress) != len(f.Steps) || len(progress) == 0 || !strings.HasPrefix(progress[0], "find_change_point: ") {
		t.Errorf("progress = %q for %d steps", progress, len(f.Steps))
	}
	if len(f.Suspects) == 0 || f.Suspects[0].Commit != sc.Culprit || !strings.HasPrefix(f.Verdict, "culprit") {
		t.Fatalf("verdict %q, suspects %+v; want culprit %s", f.Verdict, f.Suspects, sc.Culprit)
	}
	if len(f.Proposals) != 1 {
		t.Fatalf("proposals = %+v, want one revert", f.Proposals)
	}
	p := f.Proposals[0]
	if p.Kind != store.ProposalRevert || p.Target != sc.Culprit || p.Repo != sc.RepoDir || !strings.Contains(p.Body, "Evidence:") {
		t.Errorf("proposal = %+v", p)
	}
}

func TestInvestigatorUnknownServiceIsExplained(t *testing.T) {
	st, err := bolt.Open(filepath.Join(t.TempDir(), "w.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	inv := newInvestigator(defaultConfig(), st, slog.New(slog.DiscardHandler))
	_, err = inv.Investigate(context.Background(), bot.Question{Service: "payments"}, func(string) {})
	if got := bot.PublicText(context.Background(), slog.New(slog.DiscardHandler), err); !strings.Contains(got, `"payments"`) || !strings.Contains(got, "services:") {
		t.Errorf("user sees %q", got)
	}
}
