// Package evaltest lays generated investigation scenarios out on disk in
// the layout package eval reads, for tests.
package evaltest

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/wattson-dev/wattson/skills/skillstest"
)

// WriteScenarios writes each of scs as the scenario "g01", "g02", ...
// (scenario.json, truth.json, repo.bundle, deploys.json, metrics/,
// profiles/) under a new temporary directory and returns that directory,
// to pass to eval.Run or `wattson eval investigate --scenarios`. A
// scenario without a Culprit has none in its truth.
func WriteScenarios(t testing.TB, scs ...skillstest.Scenario) string {
	t.Helper()
	root := t.TempDir()
	for i, sc := range scs {
		writeScenario(t, filepath.Join(root, fmt.Sprintf("g%02d", i+1)), sc)
	}
	return root
}

func writeScenario(t testing.TB, dir string, sc skillstest.Scenario) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "metrics"), 0o755); err != nil {
		t.Fatal(err)
	}
	cp := func(src, dst string) {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, dst), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cp(sc.CPUFile, "metrics/cpu_seconds_per_request.json")
	cp(sc.BuildInfo, "metrics/build_info.json")
	cp(sc.DeploysFile, "deploys.json")
	if out, err := exec.Command("cp", "-r", sc.ProfilesDir, filepath.Join(dir, "profiles")).CombinedOutput(); err != nil {
		t.Fatalf("copy profiles: %v\n%s", err, out)
	}
	bundle := exec.Command("git", "bundle", "create", filepath.Join(dir, "repo.bundle"), "--all")
	bundle.Dir = sc.RepoDir
	if out, err := bundle.CombinedOutput(); err != nil {
		t.Fatalf("git bundle: %v\n%s", err, out)
	}
	var culprit *string
	if sc.Culprit != "" {
		culprit = &sc.Culprit
	}
	for name, v := range map[string]any{"scenario.json": map[string]string{"service": sc.Service}, "truth.json": map[string]*string{"culprit": culprit}} {
		b, _ := json.Marshal(v)
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
