package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/skills/agent/agenttest"
	"github.com/wattson-dev/wattson/skills/skillstest"
)

// writeScenarioDir lays a generated scenario out as `eval investigate`
// reads one (a directory per scenario: scenario.json, truth.json,
// repo.bundle, deploys.json, metrics/, profiles/) and returns the parent.
func writeScenarioDir(t *testing.T, sc skillstest.Scenario) string {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "g01")
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
	for name, v := range map[string]any{"scenario.json": map[string]string{"service": sc.Service}, "truth.json": map[string]string{"culprit": sc.Culprit}} {
		b, _ := json.Marshal(v)
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestEvalInvestigate(t *testing.T) {
	sc := skillstest.Build(t, false)
	root := writeScenarioDir(t, sc)
	decode := func(out string) scenarioResult {
		t.Helper()
		var rs []scenarioResult
		if err := json.Unmarshal([]byte(out), &rs); err != nil || len(rs) != 1 {
			t.Fatalf("eval output %q: %v", out, err)
		}
		return rs[0]
	}

	out, errOut, code := runCmd(t, nil, "eval", "investigate", "--scenarios", root, "--format", "json")
	if code != 0 {
		t.Fatalf("playbook eval exited %d: %s", code, errOut)
	}
	if r := decode(out); !r.Top1 || r.Tokens != 0 || r.Error != "" {
		t.Errorf("playbook eval %+v, want the culprit first and no tokens", r)
	}

	// Agent mode: the configured model reviews each run, its tokens are
	// counted, and the skills' ranking stays.
	srv := agenttest.NewServer().Then(agenttest.Auto())
	defer srv.Close()
	llm := map[string]string{"OPENAI_BASE_URL": srv.URL, "WATTSON_LLM_MODEL": "scripted"}
	out, errOut, code = runCmd(t, llm, "eval", "investigate", "--scenarios", root, "--mode", "agent", "--format", "json")
	if code != 0 {
		t.Fatalf("agent eval exited %d: %s", code, errOut)
	}
	if r := decode(out); !r.Top1 || r.Tokens == 0 {
		t.Errorf("agent eval %+v, want the culprit first and the model's tokens", r)
	}
	if len(srv.Requests()) == 0 {
		t.Error("the model was never asked")
	}

	// Without an LLM, agent mode is a usage error.
	_, errOut, code = runCmd(t, nil, "eval", "investigate", "--scenarios", root, "--mode", "agent")
	if code != 2 || !strings.Contains(errOut, "needs an LLM") {
		t.Errorf("agent eval without an LLM: exit %d, %q", code, errOut)
	}
}
