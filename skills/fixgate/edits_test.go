package fixgate

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/skills/gitlocal"
	"github.com/wattson-dev/wattson/skills/propose"
)

// TestGatedProposeFix runs the propose_fix skill, as the LLM agent calls
// it, over a Gated local clone: an edit that builds and keeps the tests
// opens with the checks and benchmark in its description; one that breaks
// the tests or the build is refused with the failing command, and nothing
// is opened.
func TestGatedProposeFix(t *testing.T) {
	if testing.Short() {
		t.Skip("builds, tests and benchmarks a module")
	}
	ctx := context.Background()
	dir := repo(t)
	skill := propose.NewProposeFix(&Gated{Checkout: dir, Next: gitlocal.New(dir), Bench: quick})
	hoisted := strings.Replace(files["check/check.go"], "func Valid(s string) bool {\n\treturn regexp.MustCompile(`^[A-Z]{3,8}-?[0-9]{2,4}$`).MatchString(s)",
		"var validRE = regexp.MustCompile(`^[A-Z]{3,8}-?[0-9]{2,4}$`)\n\nfunc Valid(s string) bool {\n\treturn validRE.MatchString(s)", 1)
	for _, tc := range []struct {
		name, branch, path, content string
		fails                       string // the failing command; "" when it opens
		body                        []string
	}{
		{name: "a real fix", branch: "wattson/fix-llm-1", path: "check/check.go", content: hoisted,
			body: []string{"Wattson gated this change", "`go build ./...` passes", "`go test -count=1 ./check` passes", "| Valid-"}},
		{name: "changes behaviour", branch: "wattson/fix-llm-2", path: "check/check.go",
			content: strings.Replace(hoisted, "return validRE.MatchString(s)", "return len(s) > 3", 1), fails: "go test"},
		{name: "does not build", branch: "wattson/fix-llm-3", path: "check/check.go", content: "package check\n\nfunc Valid(s string) bool { return nope }\n", fails: "go build"},
		{name: "no Go code", branch: "wattson/fix-llm-4", path: "README.md", content: "# svc\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, _ := json.Marshal(map[string]any{"branch": tc.branch, "title": "perf: " + tc.name, "summary": "A fix from a model.",
				"files": []map[string]string{{"path": tc.path, "content": tc.content}}})
			out, err := skill.Run(ctx, in)
			exists := exec.Command("git", "-C", dir, "rev-parse", "--verify", "--quiet", "refs/heads/"+tc.branch).Run() == nil
			if tc.fails != "" {
				if !errors.Is(err, ErrGateFailed) || !strings.Contains(err.Error(), "`"+tc.fails) || exists {
					t.Fatalf("err %v, branch made %v; want the gate to refuse it at %s", err, exists, tc.fails)
				}
				return
			}
			if err != nil || !exists {
				t.Fatalf("err %v, branch made %v", err, exists)
			}
			if out.Data.(propose.Result).PullRequest == nil {
				t.Fatalf("no pull request in %+v", out)
			}
			msg, _ := exec.Command("git", "-C", dir, "log", "-1", "--format=%b", tc.branch).Output()
			for _, want := range tc.body {
				if !strings.Contains(string(msg), want) {
					t.Errorf("description lacks %q:\n%s", want, msg)
				}
			}
		})
	}
}

var _ propose.Preparer = (*Gated)(nil)
