package test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDemo runs `wattson demo` as a newcomer would: the first run
// generates the sample service (a git repository, profiles of its real
// code, metrics) and goes through every stage to a merged revert; later
// runs reuse the sample, and without --yes the demo waits for the approval
// typed on stdin.
func TestDemo(t *testing.T) {
	data := t.TempDir()
	repo := filepath.Join(data, "demo", "sample", "repo")
	env := append(goEnv(t), "WATTSON_DATA_DIR="+data)

	start := time.Now()
	first := runDemo(t, env, "", "demo", "--yes")
	t.Logf("first run (sample generated): %s", time.Since(start).Round(100*time.Millisecond))
	if first.code != 0 {
		t.Fatalf("wattson demo --yes: exit %d\nstdout:\n%s\nstderr:\n%s", first.code, first.stdout, first.stderr)
	}
	culprit := gitOut(t, repo, "log", "--format=%H", "--grep=validate coupon codes", "v1.2.0")
	if len(culprit) != 40 {
		t.Fatalf("culprit commit in the sample: %q", culprit)
	}
	branch := "wattson/revert-" + culprit[:12]
	inOrder(t, first.stdout,
		// the sample
		`▶ 1/6 Sample service "checkout" (generated in`,
		"11 commits by 4 authors, releases v1.0.0, v1.1.0, v1.2.0",
		// detection and the alert
		"▶ 2/6 Detection",
		"checkout: CPU per request up",
		"(R-1)",
		"[Investigate] → /wattson investigate R-1",
		// the investigation, started with the alert, progress in its thread
		"▶ 3/6 Investigation: started with the alert",
		"Investigating (I-1)",
		"find_change_point: service:cpu_seconds_per_request:rate5m stepped up",
		"deploys_in_window: deploy v1.2.0",
		"list_changes: 4 commit(s)",
		"profile_diff: slower: api.validCoupon",
		"rank_suspects: culprit: "+culprit[:7],
		"Investigation I-1 finished",
		// the culprit, with its evidence
		"Findings (I-1)",
		"culprit: "+culprit[:7]+" wrote the lines that carry",
		"Suspect 1 (score",
		"`"+culprit[:10]+"` feat(api): validate coupon codes (#11) — Priya Raman",
		"is on lines this commit wrote or on calls it added",
		"inside api.validCoupon (internal/api/api.go:",
		// the revert branch, built, then proposed
		"P-1: `go build -trimpath ./...` on the change passes",
		"Revert proposal P-1",
		"Branch: `"+branch+"`", // a local clone's change: a branch, not a link
		"[Approve revert] → /wattson approve P-1",
		// the approval and what it did
		"▶ 4/6 Approval",
		"#checkout-perf> /wattson approve P-1",
		"<@you> approved P-1",
		"P-1: "+branch+" is merged.",
		"▶ 5/6 Result",
		"branch    "+branch,
		"build     go build -trimpath ./... on main passes",
		// the offense scan and its gated fix
		"▶ 6/6 Offense",
		"internal/api.validCoupon — regexp compiled per call",
		"pattern   regexp-compile-per-call (rewrite: hoist-regexp)",
		"branch    wattson/fix-api.validCoupon-hoist-regexp (prepared)",
		"files     internal/api/api.go",
		"go build ./... ok · go vet example.com/acme/checkout/internal/api ok · go test -count=1 example.com/acme/checkout/internal/api ok",
		"(significant gain)",
		"Done in",
	)
	body := gitOut(t, repo, "log", "-1", "--format=%b", "wattson/fix-api.validCoupon-hoist-regexp")
	for _, want := range []string{"### Checks", "### Benchmark", "| Quote-", "### Estimate"} {
		if !strings.Contains(body, want) {
			t.Errorf("fix branch's PR body lacks %q:\n%s", want, body)
		}
	}
	if fixed := gitOut(t, repo, "show", "wattson/fix-api.validCoupon-hoist-regexp:internal/api/api.go"); !strings.Contains(fixed, "var validCouponRE = regexp.MustCompile(") {
		t.Errorf("fix branch's api.go does not compile the coupon regexp once:\n%s", fixed)
	}
	if got := gitOut(t, repo, "branch", "--list", "wattson/revert-*"); strings.TrimSpace(strings.TrimPrefix(got, "*")) != branch {
		t.Errorf("revert branches in the sample repo = %q, want %s", got, branch)
	}
	if got := gitOut(t, repo, "log", "-1", "--format=%s", "main^2"); !strings.HasPrefix(got, "Revert "+culprit[:7]) {
		t.Errorf("main's merged branch head = %q, want the revert of %s", got, culprit[:7])
	}

	t.Run("cached, approved on stdin", func(t *testing.T) {
		start := time.Now()
		r := runDemo(t, env, "/wattson approve P-1\n", "demo")
		t.Logf("cached run: %s", time.Since(start).Round(100*time.Millisecond))
		if r.code != 0 {
			t.Fatalf("wattson demo: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
		}
		inOrder(t, r.stdout, "reused from", "(R-1)", "Findings (I-1)", "Type  /wattson approve P-1",
			"<@you> approved P-1", "P-1: "+branch+" is merged.", "Done in")
		if strings.Contains(r.stdout, "(R-2)") {
			t.Error("a second run continued the first run's records instead of starting at R-1")
		}
	})

	t.Run("input ends before approval", func(t *testing.T) {
		r := runDemo(t, env, "", "demo")
		if r.code != 1 || !strings.Contains(r.stderr, "run `wattson demo --yes`") {
			t.Fatalf("wattson demo with no input: exit %d, stderr:\n%s", r.code, r.stderr)
		}
		if got := gitOut(t, repo, "log", "-1", "--format=%s", "main"); got != "ci: build with Go 1.23 (#14)" {
			t.Errorf("main = %q, want the sample's last commit: nothing merged without approval", got)
		}
	})
}

// runDemo runs the binary like wattson does, with stdin and a longer
// deadline: a first run on a cold Go build cache compiles part of the
// standard library for the sample service.
func runDemo(t *testing.T, env []string, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + cmd.Dir}, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	code := 0
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("run wattson %v: %v", args, err)
	}
	return result{out.String(), errb.String(), code}
}

// goEnv passes the Go build and module caches on, so the sample service
// builds as fast as on the user's machine.
func goEnv(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE", "GOPATH").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	v := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(v) != 3 {
		t.Fatalf("go env: %q", out)
	}
	return []string{"GOCACHE=" + v[0], "GOMODCACHE=" + v[1], "GOPATH=" + v[2]}
}

// gitOut runs git in dir and returns its trimmed output.
func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).Output()
	if err != nil {
		t.Fatalf("git %v: %v", args, err)
	}
	return strings.TrimSpace(string(out))
}

// inOrder checks that every part appears in out, each after the one before.
func inOrder(t *testing.T, out string, parts ...string) {
	t.Helper()
	rest := out
	for _, p := range parts {
		i := strings.Index(rest, p)
		if i < 0 {
			if strings.Contains(out, p) {
				t.Fatalf("%q appears out of order in the output:\n%s", p, out)
			}
			t.Fatalf("%q is missing from the output:\n%s", p, out)
		}
		rest = rest[i+len(p):]
	}
}
