package propose

import (
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/skills/gitlocal"
	"github.com/wattson-dev/wattson/skills/skillstest"
)

var (
	_ Preparer = (*gitlocal.Repo)(nil)
	_ Actor    = (*gitlocal.Repo)(nil)
)

func TestProposeRevertOnALocalClone(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go tool")
	}
	repo := skillstest.NewRepo(t)
	repo.Commit("initial", map[string]string{"go.mod": "module example.com/x\n\ngo 1.22\n", "x.go": "package x\n\nfunc F() int { return 1 }\n"})
	culprit := repo.Commit("Slow F", map[string]string{"x.go": "package x\n\nfunc F() int { s := 0; for i := range 1000 { s += i }; return s }\n"})
	skill := NewProposeRevert(gitlocal.New(repo.Dir))
	args, _ := json.Marshal(map[string]any{"commit": culprit, "title": "Slow F", "author": "Ada",
		"evidence": map[string]any{"metric": "cpu_per_request", "before": 0.01, "after": 0.0125, "pct": 25,
			"profile_delta": []string{"x.F 2% → 21% of CPU"}, "matched_lines": []string{"x.go:3 for i := range 1000"},
			"cores": 3.2, "watts": 32, "thread": "slack #checkout-perf R-12"}})
	out, err := skill.Run(context.Background(), args)
	if err != nil {
		t.Fatal(err)
	}
	res := out.Data.(Result)
	if res.PullRequest == nil || res.PullRequest.Branch != "wattson/revert-"+culprit[:12] || !res.PullRequest.Build.OK {
		t.Fatalf("result %+v", res)
	}
	for _, want := range []string{"This reverts " + culprit, "x.F 2% → 21% of CPU", "x.go:3", "3.20 cores ≈ 32 W", "Alert thread: slack #checkout-perf R-12", "+25.0%"} {
		if !strings.Contains(res.Text, want) {
			t.Errorf("body lacks %q:\n%s", want, res.Text)
		}
	}
	if !strings.Contains(out.Summary, "`go build ./...` passes") {
		t.Errorf("summary %q", out.Summary)
	}

	repo.Commit("Tweak F", map[string]string{"x.go": "package x\n\nfunc F() int { s := 1; for i := range 1000 { s += i }; return s }\n"})
	out, err = skill.Run(context.Background(), args)
	if err != nil {
		t.Fatal(err)
	}
	// The branch from the first run is reused; a fresh sha conflicts.
	if res := out.Data.(Result); res.PullRequest == nil {
		t.Fatalf("reuse: %+v", res)
	}
	other := repo.Commit("Slow F more", map[string]string{"x.go": "package x\n\nfunc F() int { return 2 }\n"})
	repo.Commit("Tweak F again", map[string]string{"x.go": "package x\n\nfunc F() int { return 3 }\n"})
	args, _ = json.Marshal(map[string]any{"commit": other})
	out, err = skill.Run(context.Background(), args)
	if err != nil {
		t.Fatal(err)
	}
	res = out.Data.(Result)
	if res.PullRequest != nil || len(res.Conflict) != 1 || !strings.Contains(res.Text, "    git revert "+other) {
		t.Fatalf("conflict result %+v", res)
	}
}

func TestProposeFixCarriesTheBenchmark(t *testing.T) {
	repo := skillstest.NewRepo(t)
	repo.Commit("initial", map[string]string{"x.go": "package x\n"})
	skill := NewProposeFix(gitlocal.New(repo.Dir).WithBuild())
	args := `{"branch":"wattson/fix-O-3","title":"Hoist regexp","summary":"Compile once.","files":[{"path":"x.go","content":"package x // fixed\n"}],
"evidence":{"benchmark":"BenchmarkPrice 1200 ns/op → 80 ns/op"}}`
	out, err := skill.Run(context.Background(), json.RawMessage(args))
	if err != nil {
		t.Fatal(err)
	}
	res := out.Data.(Result)
	if res.PullRequest == nil || res.PullRequest.Branch != "wattson/fix-O-3" || !strings.Contains(res.Text, "1200 ns/op → 80 ns/op") {
		t.Fatalf("result %+v", res)
	}
	if b, err := gitlocal.New(repo.Dir).ReadFile(context.Background(), "wattson/fix-O-3", "x.go"); err != nil || string(b) != "package x // fixed\n" {
		t.Fatalf("fix branch x.go = %q, %v", b, err)
	}
	if _, err := skill.Run(context.Background(), json.RawMessage(`{"branch":"main","title":"x","files":[{"path":"x.go"}]}`)); err == nil {
		t.Error("a fix onto main was accepted")
	}
}
