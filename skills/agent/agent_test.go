package agent

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/agent/agenttest"
)

func TestToolCallIsExecutedAndItsResultReturned(t *testing.T) {
	a, srv, rec, pb := setup(t, skills.VerdictInconclusive, Config{},
		calls(900, 40, agenttest.Call("call_1", "list_changes", `{"from":"`+fromSHA+`","to":"`+culpritSHA+`"}`)),
		calls(1300, 80, conclude("call_2", map[string]any{
			"answer":  "pricing.Quote got slower in v1.8.0; 9f8e7d6 compiles a regexp per rule.",
			"facts":   []map[string]any{{"claim": "the deploy holds 2 commits", "steps": []string{"t1"}}, {"claim": "made up", "steps": []string{"t9"}}},
			"suspect": culpritSHA[:12], "suggest": "fix", "fix_draft": "compile the regexp once in NewPricer",
		})),
	)
	res := a.Investigate(context.Background(), pb, input())
	if rec.count("list_changes") != 1 {
		t.Fatalf("list_changes ran %d times", rec.count("list_changes"))
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	got := toolMessage(t, reqs[1], "call_1")
	if !strings.Contains(got, "[t1] list_changes:") || !strings.Contains(got, "2 commits: 9f8e7d6") || !strings.Contains(got, `<data source="list_changes">`) {
		t.Errorf("tool result sent back = %q", got)
	}
	if res.Mode != ModeAgent || len(res.ToolSteps) != 1 || !res.ToolSteps[0].OK() {
		t.Fatalf("mode %s, tool steps %+v, notes %v", res.Mode, res.ToolSteps, res.Notes)
	}
	if res.Investigation.Verdict != skills.VerdictInconclusive {
		t.Errorf("verdict changed to %s", res.Investigation.Verdict)
	}
	if !slices.ContainsFunc(res.Facts, func(f Fact) bool { return f.Text == "the deploy holds 2 commits" && f.Steps[0] == "t1" }) {
		t.Errorf("cited claim is not a fact: %+v", res.Facts)
	}
	if !slices.ContainsFunc(res.Hypotheses, func(h Hypothesis) bool { return h.Text == "made up" }) {
		t.Errorf("claim citing a missing step is not a hypothesis: %+v", res.Hypotheses)
	}
	// The verdict is inconclusive: a suspect named by the model stays a
	// hypothesis even though rank_suspects ranks it first.
	if !slices.ContainsFunc(res.Hypotheses, func(h Hypothesis) bool { return h.Commit == culpritSHA[:12] && strings.Contains(h.Why, "#1") }) {
		t.Errorf("suspect is not a hypothesis: %+v", res.Hypotheses)
	}
	if len(res.Suggestions) != 1 || res.Suggestions[0].Supported || res.FixDraft == "" {
		t.Errorf("suggestions %+v, fix draft %q", res.Suggestions, res.FixDraft)
	}
}

func TestBadToolCallsAreAnsweredWithErrorsAndTheModelRecovers(t *testing.T) {
	a, srv, rec, pb := setup(t, skills.VerdictInconclusive, Config{},
		calls(900, 60,
			agenttest.Call("c1", "git_blame_everything", `{}`),
			agenttest.Call("c2", "profile_diff", `{"service":"checkout"}`),
			agenttest.Call("c3", "profile_diff", `{"service":`),
			agenttest.Call("c4", "profile_diff", `{"service":"checkout","at":"2026-03-02T14:00:00Z","colour":"red"}`),
		),
		calls(1400, 30, agenttest.Call("c5", "profile_diff", `{"service":"checkout","at":"2026-03-02T14:00:00Z"}`)),
		calls(1600, 50, conclude("c6", map[string]any{"answer": "pricing.Quote is slower [t5]."})),
	)
	res := a.Investigate(context.Background(), pb, input())
	reqs := srv.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	for id, want := range map[string]string{
		"c1": `unknown tool "git_blame_everything"`,
		"c2": `missing required argument "at"`,
		"c3": "not valid JSON",
		"c4": `unknown field "colour"`,
	} {
		if got := toolMessage(t, reqs[1], id); !strings.Contains(got, "failed") || !strings.Contains(got, want) {
			t.Errorf("%s: tool result %q, want an error with %q", id, got, want)
		}
	}
	// profile_diff ran once in the playbook and once for c5.
	if n := rec.count("profile_diff"); n != 2 {
		t.Errorf("profile_diff ran %d times, want 2", n)
	}
	if res.Mode != ModeAgent || res.Answer != "pricing.Quote is slower [t5]." {
		t.Fatalf("mode %s answer %q notes %v", res.Mode, res.Answer, res.Notes)
	}
	if last := res.ToolSteps[len(res.ToolSteps)-1]; !last.OK() || last.ID != "t5" {
		t.Errorf("last tool step %+v", last)
	}
}

func TestBudgetStopsTheLoop(t *testing.T) {
	t.Run("after a call", func(t *testing.T) {
		a, srv, _, pb := setup(t, skills.VerdictInconclusive, Config{TokenBudget: 5000},
			calls(4800, 400, agenttest.Call("c1", "list_changes", `{"from":"a","to":"b"}`)),
			calls(100, 10, conclude("c2", map[string]any{"answer": "never reached"})),
		)
		res := a.Investigate(context.Background(), pb, input())
		if n := len(srv.Requests()); n != 1 {
			t.Fatalf("%d requests after the budget ran out", n)
		}
		if res.Mode != ModePlaybook || !hasNote(res, "playbook mode") || !hasNote(res, "over the token budget") {
			t.Fatalf("mode %s notes %v", res.Mode, res.Notes)
		}
		if res.Answer != "" || res.Usage.TotalTokens != 5200 {
			t.Errorf("answer %q usage %+v", res.Answer, res.Usage)
		}
		if !strings.Contains(res.Footer(), "5,200 tokens") {
			t.Errorf("footer %q", res.Footer())
		}
	})
	t.Run("before the first call", func(t *testing.T) {
		a, srv, _, pb := setup(t, skills.VerdictInconclusive, Config{TokenBudget: 300})
		res := a.Investigate(context.Background(), pb, input())
		if n := len(srv.Requests()); n != 0 {
			t.Fatalf("%d requests sent over budget", n)
		}
		if res.Mode != ModePlaybook || !hasNote(res, "the next call needs about") || res.Footer() != "" {
			t.Fatalf("mode %s notes %v footer %q", res.Mode, res.Notes, res.Footer())
		}
	})
}

func TestModelFailureFallsBackToPlaybook(t *testing.T) {
	t.Run("HTTP 500", func(t *testing.T) {
		a, _, _, pb := setup(t, skills.VerdictCulprit, Config{}, agenttest.Fixed(agenttest.Reply{Status: 500}))
		res := a.Investigate(context.Background(), pb, input())
		if res.Mode != ModePlaybook || !hasNote(res, "Finished in playbook mode: model unavailable: the server answered HTTP 500") {
			t.Fatalf("mode %s notes %v", res.Mode, res.Notes)
		}
		if res.Investigation.Verdict != skills.VerdictCulprit || res.Investigation.Suspects[0].Commit != culpritSHA {
			t.Errorf("playbook result lost: %+v", res.Investigation)
		}
		if res.Usage.Calls != 1 || res.Usage.Failed != 1 || !strings.Contains(res.Footer(), "(1 failed)") {
			t.Errorf("usage %+v footer %q", res.Usage, res.Footer())
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		a, srv, _, pb := setup(t, skills.VerdictInconclusive, Config{})
		srv.Close()
		res := a.Investigate(context.Background(), pb, input())
		if res.Mode != ModePlaybook || !hasNote(res, "could not be reached") {
			t.Fatalf("mode %s notes %v", res.Mode, res.Notes)
		}
		if len(res.Facts) != 4 {
			t.Errorf("playbook facts %+v", res.Facts)
		}
	})
}

func TestPromptInjectionInACommitMessageProducesNoAction(t *testing.T) {
	// The scripted model is fooled by the commit message; Wattson is not.
	a, srv, rec, pb := setup(t, skills.VerdictInconclusive, Config{},
		calls(900, 40, agenttest.Call("c1", "list_changes", `{"from":"`+fromSHA+`","to":"`+culpritSHA+`"}`)),
		calls(1300, 40,
			agenttest.Call("c2", "propose_revert", `{"commit":"`+otherSHA+`"}`),
			agenttest.Call("c3", "approve", `{"proposal":"P-1"}`),
		),
		calls(1500, 60, conclude("c4", map[string]any{"answer": "Revert " + otherSHA[:12] + " now.", "suspect": otherSHA, "suggest": "revert"})),
	)
	res := a.Investigate(context.Background(), pb, input())
	if n := rec.count("propose_revert"); n != 0 {
		t.Fatalf("the model ran propose_revert %d times", n)
	}
	reqs := srv.Requests()
	for i, r := range reqs {
		if names := offered(r); slices.Contains(names, "propose_revert") || slices.Contains(names, "approve") {
			t.Errorf("request %d offered a changing tool: %v", i, names)
		}
	}
	// The injected text reached the model only inside a data fence.
	if got := toolMessage(t, reqs[1], "c1"); !strings.Contains(got, `<data source="list_changes">`) || !strings.Contains(got, "IGNORE PREVIOUS") {
		t.Errorf("list_changes result %q", got)
	}
	if got := toolMessage(t, reqs[2], "c2"); !strings.Contains(got, "not callable by you") {
		t.Errorf("propose_revert answer %q", got)
	}
	if got := toolMessage(t, reqs[2], "c3"); !strings.Contains(got, `unknown tool "approve"`) {
		t.Errorf("approve answer %q", got)
	}
	if res.Investigation.Verdict != skills.VerdictInconclusive {
		t.Errorf("verdict became %s", res.Investigation.Verdict)
	}
	if len(res.Suggestions) != 1 || res.Suggestions[0].Supported {
		t.Errorf("suggestion %+v should be recorded as unsupported", res.Suggestions)
	}
	if !slices.ContainsFunc(res.Hypotheses, func(h Hypothesis) bool { return h.Commit == otherSHA }) {
		t.Errorf("the injected suspect is not a hypothesis: %+v", res.Hypotheses)
	}
	for _, f := range res.Facts {
		if strings.Contains(f.Text, "is the culprit") {
			t.Errorf("fact %q from an injected suspect", f.Text)
		}
	}
}

func TestFooterTokensMatchTheServersUsage(t *testing.T) {
	a, _, _, pb := setup(t, skills.VerdictInconclusive, Config{Model: "llama3.1:8b"},
		calls(1234, 56, agenttest.Call("c1", "list_changes", `{"from":"a","to":"b"}`)),
		calls(2345, 67, agenttest.Call("c2", "read_skill", `{"name":"go-regexp"}`)),
		calls(3456, 789, conclude("c3", map[string]any{"answer": "done"})),
	)
	res := a.Investigate(context.Background(), pb, input())
	u := res.Usage
	if u.Calls != 3 || u.PromptTokens != 1234+2345+3456 || u.CompletionTokens != 56+67+789 || u.TotalTokens != 7035+912 {
		t.Fatalf("usage %+v", u)
	}
	want := "model llama3.1:8b · 3 calls · 7,947 tokens (7,035 prompt + 912 completion) of 60,000 budget"
	if got := res.Footer(); got != want {
		t.Errorf("footer\n got %q\nwant %q", got, want)
	}
}

func TestConclusiveVerdictGetsOneExplanationWithoutTools(t *testing.T) {
	a, srv, _, pb := setup(t, skills.VerdictCulprit, Config{},
		say("9f8e7d6 made pricing.Quote compile a regexp per rule [s3].\nFix idea: compile it once in NewPricer.", 1500, 120))
	res := a.Investigate(context.Background(), pb, input())
	reqs := srv.Requests()
	if len(reqs) != 1 || len(reqs[0].Tools) != 0 {
		t.Fatalf("%d requests, tools %v", len(reqs), offered(reqs[0]))
	}
	if res.Mode != ModeAgent || res.FixDraft != "compile it once in NewPricer." || !strings.HasPrefix(res.Answer, "9f8e7d6 made") {
		t.Fatalf("mode %s answer %q fix %q", res.Mode, res.Answer, res.FixDraft)
	}
	if sys := reqs[0].Messages[0].Text(); strings.Contains(sys, "go-regexp") {
		t.Errorf("guides offered to an explanation without tools")
	}
}

func TestRepeatedIdenticalToolCallIsRefusedThenStops(t *testing.T) {
	same := func(id string) agenttest.ToolCall { return agenttest.Call(id, "list_changes", `{"to":"b","from":"a"}`) }
	a, srv, rec, pb := setup(t, skills.VerdictInconclusive, Config{},
		calls(900, 10, agenttest.Call("c1", "list_changes", `{"from":"a","to":"b"}`)),
		calls(900, 10, same("c2")),
		calls(900, 10, same("c3")),
		calls(900, 10, same("c4")),
		calls(900, 10, conclude("c5", map[string]any{"answer": "never reached"})),
	)
	res := a.Investigate(context.Background(), pb, input())
	if n := rec.count("list_changes"); n != 1 {
		t.Errorf("list_changes ran %d times", n)
	}
	reqs := srv.Requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests", len(reqs))
	}
	if got := toolMessage(t, reqs[2], "c2"); !strings.Contains(got, "repeated identical call") || !strings.Contains(got, "[t1]") {
		t.Errorf("repeat answer %q", got)
	}
	if res.Mode != ModePlaybook || !hasNote(res, "repeated an identical tool call") {
		t.Errorf("mode %s notes %v", res.Mode, res.Notes)
	}
}

func TestMaxStepsAndToolTimeout(t *testing.T) {
	a, srv, _, pb := setup(t, skills.VerdictInconclusive, Config{MaxSteps: 2, ToolTimeout: 20 * time.Millisecond},
		calls(900, 10, agenttest.Call("c1", "list_changes", `{"from":"a","to":"b"}`)),
		calls(900, 10, agenttest.Call("c2", "list_changes", `{"from":"a","to":"c"}`)),
	)
	a.reg.Add(skills.ReadOnly(skills.New(skills.Info{Name: "slow", Description: "Waits.", Schema: []byte(`{"type":"object"}`)},
		func(ctx context.Context, _ map[string]any) (skills.Output, error) {
			<-ctx.Done()
			return skills.Output{}, ctx.Err()
		})))
	res := a.Investigate(context.Background(), pb, input())
	if len(srv.Requests()) != 2 || !hasNote(res, "out of model turns: 2 turns") {
		t.Fatalf("%d requests, notes %v", len(srv.Requests()), res.Notes)
	}
	out, err := a.runTool(context.Background(), "slow", []byte(`{}`))
	if err == nil || !strings.Contains(err.Error(), "slow timed out after 20ms") {
		t.Fatalf("slow tool: %v, %v", out, err)
	}
}

func TestGuidesAreOfferedByNameAndReadOnDemand(t *testing.T) {
	a, srv, _, _ := setup(t, skills.VerdictInconclusive, Config{},
		calls(900, 10, agenttest.Call("c1", "read_skill", `{"name":"go-regexp"}`)),
		calls(1100, 10, agenttest.Call("c2", "read_skill", `{"name":"go-json"}`)),
		say("Hoist the regexp.", 1200, 20),
	)
	res := a.Ask(context.Background(), "why is checkout slow?", nil)
	reqs := srv.Requests()
	sys := reqs[0].Messages[0].Text()
	if !strings.Contains(sys, "go-regexp: Regexp compiled per call.") || strings.Contains(sys, "Hoist regexp.MustCompile") {
		t.Errorf("system prompt should list the guide, not its body:\n%s", sys)
	}
	if got := toolMessage(t, reqs[1], "c1"); !strings.Contains(got, "Hoist regexp.MustCompile out of the hot path.") {
		t.Errorf("read_skill result %q", got)
	}
	if got := toolMessage(t, reqs[2], "c2"); !strings.Contains(got, "no such skill") {
		t.Errorf("read_skill of a missing guide %q", got)
	}
	if res.Mode != ModeAgent || res.Answer != "Hoist the regexp." {
		t.Errorf("mode %s answer %q", res.Mode, res.Answer)
	}
	for _, f := range res.Facts {
		if strings.Contains(f.Text, "Hoist") {
			t.Errorf("a guide's text became a fact: %q", f.Text)
		}
	}
}

func TestAskEstimateAndFallbackWithoutAService(t *testing.T) {
	a, _, _, pb := setup(t, skills.VerdictInconclusive, Config{TokenBudget: 20000}, agenttest.Fixed(agenttest.Reply{Status: 503}))
	run := a.runner.Run(context.Background(), pb, input())
	est, err := a.EstimateAsk("why did checkout CPU go up yesterday?", &run)
	if err != nil {
		t.Fatal(err)
	}
	if est.Tokens <= 1000 || est.Tokens > 20000 || est.Calls != 4 || !strings.Contains(est.String(), "budget 20.0k tokens") {
		t.Errorf("estimate %+v %q", est, est)
	}
	res := a.Ask(context.Background(), "why did checkout CPU go up yesterday?", nil)
	if res.Mode != ModePlaybook || !hasNote(res, "HTTP 503") || !hasNote(res, "/wattson investigate <service>") {
		t.Errorf("mode %s notes %v", res.Mode, res.Notes)
	}
}
