package fixgate

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/skills/benchcheck"
	"github.com/wattson-dev/wattson/skills/github"
	"github.com/wattson-dev/wattson/skills/github/githubtest"
	"github.com/wattson-dev/wattson/skills/gitlocal"
	"github.com/wattson-dev/wattson/skills/library"
	"github.com/wattson-dev/wattson/skills/opportunity"
	"github.com/wattson-dev/wattson/skills/rewrite"
)

// The service to fix: Valid compiles its regexp per call (a constant
// pattern: fixable), Match compiles one from its argument (not fixable).
var files = map[string]string{
	"go.mod": "module example.com/svc\n\ngo 1.22\n",
	"check/check.go": "// Package check checks codes.\npackage check\n\nimport \"regexp\"\n\n" +
		"// Valid reports whether s is a coupon code.\nfunc Valid(s string) bool {\n\treturn regexp.MustCompile(`^[A-Z]{3,8}-?[0-9]{2,4}$`).MatchString(s)\n}\n\n" +
		"// Match reports whether s matches pattern.\nfunc Match(pattern, s string) bool {\n\treturn regexp.MustCompile(pattern).MatchString(s)\n}\n",
	"check/check_test.go": "package check\n\nimport \"testing\"\n\nfunc TestValid(t *testing.T) {\n\tfor s, want := range map[string]bool{\"SPRING-25\": true, \"ab\": false, \"SPRING25\": true, \"SPRING-2\": false} {\n\t\tif Valid(s) != want {\n\t\t\tt.Errorf(\"Valid(%q) != %v\", s, want)\n\t\t}\n\t}\n}\n\n" +
		"func BenchmarkValid(b *testing.B) {\n\tfor range b.N {\n\t\tValid(\"SPRING-25\")\n\t}\n}\n",
}

// repo commits files into a new git repository on main.
func repo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "."}, {"-c", "user.name=T", "-c", "user.email=t@x", "commit", "-qm", "init"}} {
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %s", args, out)
		}
	}
	return dir
}

func finding(fn string) opportunity.Finding {
	return opportunity.Finding{Service: "svc", Pattern: "regexp-compile-per-call", Title: "regexp compiled per call",
		Function: "example.com/svc/check." + fn, File: "check/check.go", Lines: []int{7}, Share: 0.4, Cores: 0.8, Watts: 8,
		Rewrite: rewrite.HoistRegexp, Fix: &opportunity.Fix{Title: "perf: compile the regexp in {function} once"}}
}

var quick = benchcheck.Options{Count: 6, BenchTime: "20ms"}

func TestFixOnLocalClone(t *testing.T) {
	if testing.Short() {
		t.Skip("builds, tests and benchmarks a module")
	}
	ctx := context.Background()
	dir := repo(t)
	x := &Fixer{Checkout: dir, Host: gitlocal.New(dir), Bench: quick}
	res, err := x.Fix(ctx, finding("Valid"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != Prepared || !res.Saving || res.PR == nil {
		t.Fatalf("outcome %s (%s), saving %v, pr %v", res.Outcome, res.Reason, res.Saving, res.PR)
	}
	branch := "wattson/fix-check.Valid-hoist-regexp"
	if res.Branch != branch || res.PR.Branch != branch || len(res.Files) != 1 || res.Files[0] != "check/check.go" {
		t.Errorf("branch %q, pr %+v, files %v", res.Branch, res.PR, res.Files)
	}
	got, err := exec.Command("git", "-C", dir, "show", branch+":check/check.go").Output()
	if err != nil || !strings.Contains(string(got), "var validRE = regexp.MustCompile(") || !strings.Contains(string(got), "return validRE.MatchString(s)") {
		t.Errorf("check.go on the branch: %v\n%s", err, got)
	}
	if res.PR.Build == nil || !res.PR.Build.OK {
		t.Errorf("the code host's own build check: %+v", res.PR.Build)
	}
	for _, want := range []string{"`go build ./...` passes", "`go vet example.com/svc/check` passes", "`go test -count=1 example.com/svc/check` passes",
		"| benchmark | before CPU s/op | after CPU s/op | vs base | p |", "| Valid-", "n=6+6 |", "From the profiles: 0.800 cores ≈ 8.0 W", "check/check.go | "} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, res.Body)
		}
	}
	if wt, _ := exec.Command("git", "-C", dir, "worktree", "list").Output(); strings.Count(string(wt), "\n") != 1 {
		t.Errorf("worktrees left behind:\n%s", wt)
	}
	if st, _ := exec.Command("git", "-C", dir, "status", "--porcelain").Output(); len(st) != 0 {
		t.Errorf("the checkout was touched:\n%s", st)
	}
}

func TestFixNotMade(t *testing.T) {
	ctx := context.Background()
	dir := repo(t)
	x := &Fixer{Checkout: dir, Host: gitlocal.New(dir), Bench: quick}
	for _, tc := range []struct {
		name    string
		f       opportunity.Finding
		outcome string
		reason  string
	}{
		{"pattern from an argument", finding("Match"), Suggestion, "not a constant"},
		{"pattern without a rewrite", func() opportunity.Finding { f := finding("Valid"); f.Rewrite = ""; return f }(), Suggestion, "has no rewrite"},
		{"function not in the code", finding("Gone"), Failed, "no function"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := x.Fix(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != tc.outcome || !strings.Contains(res.Reason, tc.reason) || res.PR != nil {
				t.Errorf("outcome %s, reason %q, pr %v; want %s saying %q", res.Outcome, res.Reason, res.PR, tc.outcome, tc.reason)
			}
		})
	}
	if out, _ := exec.Command("git", "-C", dir, "branch", "--list", "wattson/*").Output(); len(out) != 0 {
		t.Errorf("branches made for fixes not made: %s", out)
	}
}

// TestFixAsGitHubDraft opens the gated fix as a draft pull request on the
// GitHub fake, from a local checkout of the same code.
func TestFixAsGitHubDraft(t *testing.T) {
	if testing.Short() {
		t.Skip("builds, tests and benchmarks a module")
	}
	ctx := context.Background()
	srv := githubtest.New(t, "tok")
	srv.Commit("main", "init", "dana", files)
	host, err := github.New(github.Options{Owner: "o", Repo: "r", Token: "tok", BaseURL: srv.URL + "/"})
	if err != nil {
		t.Fatal(err)
	}
	x := &Fixer{Checkout: repo(t), Host: host, Bench: quick}
	res, err := x.Fix(ctx, finding("Valid"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != Prepared || res.PR == nil || res.PR.Number == 0 {
		t.Fatalf("outcome %s (%s), pr %+v", res.Outcome, res.Reason, res.PR)
	}
	prs := srv.PRs()
	if len(prs) != 1 || !prs[0].Draft || prs[0].Head != res.Branch || !strings.Contains(prs[0].Body, "| benchmark |") {
		t.Fatalf("pull requests on the fake: %+v", prs)
	}
	got, ok := srv.File(res.Branch, "check/check.go")
	if !ok || !strings.Contains(got, "validRE.MatchString") {
		t.Errorf("check.go on %s: %q", res.Branch, got)
	}
}

// TestLibraryRewritesExist checks that every rewrite a built-in pattern
// names is one package rewrite has.
func TestLibraryRewritesExist(t *testing.T) {
	lib, _ := library.Load("")
	pats, errs := opportunity.LoadPatterns(lib)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	named := 0
	for _, p := range pats {
		if p.Rewrite == "" {
			continue
		}
		named++
		found := false
		for _, n := range rewrite.Names() {
			found = found || n == p.Rewrite
		}
		if !found {
			t.Errorf("pattern %s names rewrite %q, which does not exist", p.Name, p.Rewrite)
		}
	}
	if named < 4 {
		t.Errorf("%d built-in patterns name a rewrite, want at least 4", named)
	}
}
