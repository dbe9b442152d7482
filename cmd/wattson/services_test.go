package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/investigator"
	"github.com/wattson-dev/wattson/bot/proposals"
	"github.com/wattson-dev/wattson/skills/github/githubtest"
	"github.com/wattson-dev/wattson/skills/skillstest"
	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/bolt"
)

// wiredInvestigator is the investigator `wattson serve` wires from cfg.
func wiredInvestigator(t *testing.T, cfg config, st store.Store) bot.Investigator {
	t.Helper()
	logger := slog.New(slog.DiscardHandler)
	hosts, err := newCodeHosts(cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	svcs, err := newServices(cfg, hosts, logger)
	if err != nil {
		t.Fatal(err)
	}
	return investigator.New(svcs.bundles, st, logger)
}

func testStore(t *testing.T) store.Store {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "w.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestConfiguredServiceIsInvestigated: a services entry becomes the
// service's skills, its revert proposals name its clone, and a regression
// by id is investigated on its service.
func TestConfiguredServiceIsInvestigated(t *testing.T) {
	sc := skillstest.Build(t, false)
	st := testStore(t)
	r := &store.Regression{Fingerprint: "f", Service: sc.Service, Metric: "service:cpu_seconds_per_request:rate5m",
		ChangeTime: sc.ChangeTime, Status: store.RegressionOpen}
	if _, err := st.CreateRegressionIfNew(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	cfg := defaultConfig()
	cfg.Services = []serviceConfig{{Name: sc.Service, Repo: sc.RepoDir, Profiles: sc.ProfilesDir,
		Deploys: sc.DeploysFile, Metrics: []string{sc.CPUFile, sc.BuildInfo}, RPS: 500}}
	f, err := wiredInvestigator(t, cfg, st).Investigate(context.Background(), bot.Question{RegressionID: r.ID, Trigger: store.TriggerAlert}, func(bot.Progress) {})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Suspects) == 0 || f.Suspects[0].Commit != sc.Culprit || f.Cores <= 0 {
		t.Fatalf("suspects %+v, cores %g; want culprit %s and the cost at 500 requests/s", f.Suspects, f.Cores, sc.Culprit)
	}
	if len(f.Proposals) != 1 || f.Proposals[0].Repo != sc.RepoDir || f.Proposals[0].Target != sc.Culprit {
		t.Errorf("proposals %+v, want the revert in %s", f.Proposals, sc.RepoDir)
	}
}

// writeAppKey writes a new GitHub App private key and has gh accept its
// JWTs.
func writeAppKey(t *testing.T, gh *githubtest.Server) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	gh.AppKey = &key.PublicKey
	path := filepath.Join(t.TempDir(), "app.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	if err := os.WriteFile(path, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestAppOnlyInvestigationReadsWithTheInstallationToken: with a GitHub App
// and no token, an investigation reads the repository as the App
// installation, with the same host (and so the same installation token)
// the service's proposals use.
func TestAppOnlyInvestigationReadsWithTheInstallationToken(t *testing.T) {
	sc := skillstest.Build(t, false) // its metrics: a step at sc.ChangeTime
	gh := githubtest.New(t, "")      // no personal token is accepted
	base := gh.Commit("main", "initial", "bob", map[string]string{"cart.go": "package cart // map\n"})
	culprit := gh.Commit("main", "refactor(cart): keep items in one slice", "ada", map[string]string{"cart.go": "package cart // scan\n"})
	deploys := filepath.Join(t.TempDir(), "deploys.json")
	data, _ := json.Marshal([]map[string]string{
		{"time": sc.ChangeTime.Add(-48 * time.Hour).Format(time.RFC3339), "revision": base, "version": "v1.0.0", "environment": "production"},
		{"time": sc.ChangeTime.Format(time.RFC3339), "revision": culprit, "version": "v1.1.0", "environment": "production"},
	})
	if err := os.WriteFile(deploys, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := defaultConfig()
	cfg.GitHub = githubConfig{AppID: 7, InstallationID: 42, PrivateKeyFile: writeAppKey(t, gh), APIURL: gh.URL}
	cfg.Services = []serviceConfig{{Name: sc.Service, GitHub: "o/r", Deploys: deploys, Metrics: []string{sc.CPUFile}}}
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}

	logger := slog.New(slog.DiscardHandler)
	hosts, err := newCodeHosts(cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	svcs, err := newServices(cfg, hosts, logger)
	if err != nil {
		t.Fatal(err)
	}
	f, err := investigator.New(svcs.bundles, testStore(t), logger).Investigate(context.Background(),
		bot.Question{Service: sc.Service, Trigger: store.TriggerCommand}, func(bot.Progress) {})
	if err != nil {
		t.Fatal(err)
	}
	listed := "no list_changes step"
	for _, s := range f.Steps {
		if s.Skill == "list_changes" {
			listed = s.Error
		}
	}
	if listed != "" {
		t.Fatalf("list_changes failed: %s", listed)
	}
	auths := gh.Authorizations("GET /repos/o/r/compare/")
	if len(auths) == 0 || len(gh.Minted()) == 0 {
		t.Fatalf("compare requests with %q, tokens minted %v", auths, gh.Minted())
	}
	for _, a := range auths {
		if !strings.HasPrefix(a, "token ghs_installation_") {
			t.Errorf("the repository was read with Authorization %q, want the App installation token", a)
		}
	}

	// The revert is proposed through the same host: no second token.
	p := store.Proposal{ID: "P-1", Kind: store.ProposalRevert, Target: culprit, Repo: "o/r", Title: "Revert the slice"}
	res, err := proposals.CodeHosts(hosts.router(logger)).Open(t.Context(), p, store.Regression{ID: "R-1", Service: sc.Service})
	if err != nil || res.Number != 1 {
		t.Fatalf("open revert = %+v, %v", res, err)
	}
	if m := gh.Minted(); len(m) != 1 {
		t.Errorf("tokens minted %v; want one, shared by the investigation and the proposal", m)
	}
}
