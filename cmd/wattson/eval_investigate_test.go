package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/skills/agent/agenttest"
	"github.com/wattson-dev/wattson/skills/eval"
	"github.com/wattson-dev/wattson/skills/eval/evaltest"
	"github.com/wattson-dev/wattson/skills/skillstest"
)

func TestEvalInvestigate(t *testing.T) {
	sc := skillstest.Build(t, false)
	root := evaltest.WriteScenarios(t, sc)
	decode := func(out string) eval.Result {
		t.Helper()
		var rs []eval.Result
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
