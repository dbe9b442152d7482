package test

import (
	"encoding/json"
	"strings"
	"testing"
)

// offReport is the part of `wattson offense --format json` the journey
// reads.
type offReport struct {
	Service  string `json:"service"`
	Findings int    `json:"findings"`
	Results  []struct {
		Finding struct {
			Function string `json:"function"`
			Pattern  string `json:"pattern"`
			Rewrite  string `json:"rewrite"`
		} `json:"finding"`
		Outcome string   `json:"outcome"`
		Reason  string   `json:"reason"`
		Branch  string   `json:"branch"`
		Files   []string `json:"files"`
		Saving  bool     `json:"saving"`
		Gate    *struct {
			Checks []struct {
				Command string `json:"command"`
				OK      bool   `json:"ok"`
			} `json:"checks"`
			Benchmarks []struct {
				Name     string  `json:"name"`
				DeltaPct float64 `json:"delta_pct"`
				P        float64 `json:"p"`
			} `json:"benchmarks"`
		} `json:"gate"`
	} `json:"results"`
}

// TestOffOffenseFix runs `wattson offense --fix` as an engineer would on
// the sample service at its regressed release: the coupon regexp is
// compiled once on a branch of the clone, build, vet and tests pass and
// the benchmark shows the gain. Then the engineer runs it again (the
// branch is reused, not doubled) and mistypes a flag and a revision (a
// usage error; a failure that leaves the branch as it was).
func TestOffOffenseFix(t *testing.T) {
	s := theSample(t)
	repo := cloneSample(t, s)
	args := []string{"offense", "--profiles", s.Profiles, "--repo", repo, "--service", s.Service, "--base", "v1.2.0",
		"--fix", "--format", "json", "--count", "5", "--benchtime", "50ms"}
	r := wattson(t, goEnv(t), args...)
	if r.code != 0 {
		t.Fatalf("wattson offense --fix: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var rep offReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("offense --format json: %v\n%s", err, r.stdout)
	}
	fn := "example.com/acme/checkout/internal/api.validCoupon"
	var branch string
	for _, res := range rep.Results {
		if res.Finding.Function != fn {
			if res.Outcome != "suggestion" {
				t.Errorf("%s (%s): outcome %s, want a suggestion: no rewrite fixes it", res.Finding.Function, res.Finding.Pattern, res.Outcome)
			}
			continue
		}
		if res.Finding.Pattern != "regexp-compile-per-call" || res.Finding.Rewrite != "hoist-regexp" || res.Outcome != "prepared" || !res.Saving {
			t.Fatalf("%s: %+v, want hoist-regexp prepared as a saving", fn, res)
		}
		if len(res.Files) != 1 || res.Files[0] != "internal/api/api.go" || res.Gate == nil || len(res.Gate.Checks) != 3 {
			t.Fatalf("%s: files %v, gate %+v", fn, res.Files, res.Gate)
		}
		for _, ck := range res.Gate.Checks {
			if !ck.OK {
				t.Errorf("check %s failed", ck.Command)
			}
		}
		if len(res.Gate.Benchmarks) == 0 || !strings.HasPrefix(res.Gate.Benchmarks[0].Name, "Quote") ||
			res.Gate.Benchmarks[0].P >= 0.05 || res.Gate.Benchmarks[0].DeltaPct >= 0 {
			t.Errorf("benchmarks %+v, want BenchmarkQuote significantly faster", res.Gate.Benchmarks)
		}
		branch = res.Branch
	}
	if branch == "" {
		t.Fatalf("no result for %s in %+v", fn, rep)
	}
	if got := gitOut(t, repo, "show", branch+":internal/api/api.go"); !strings.Contains(got, "var validCouponRE = regexp.MustCompile(`") ||
		strings.Contains(got, "return regexp.MustCompile(") {
		t.Errorf("%s's api.go does not compile the regexp once:\n%s", branch, got)
	}
	if got := gitOut(t, repo, "log", "-1", "--format=%b", branch); !strings.Contains(got, "| Quote-") || !strings.Contains(got, "### Checks") {
		t.Errorf("%s's description lacks the checks and the benchmark table:\n%s", branch, got)
	}
	if got := gitOut(t, repo, "rev-parse", branch+"^"); got != gitOut(t, repo, "rev-parse", "v1.2.0^{commit}") {
		t.Errorf("%s is not one commit off v1.2.0", branch)
	}
	head := gitOut(t, repo, "rev-parse", branch)

	// Run again: the branch is reused as it is.
	if r := wattson(t, goEnv(t), args...); r.code != 0 {
		t.Fatalf("second wattson offense --fix: exit %d\n%s", r.code, r.stderr)
	}
	if got := gitOut(t, repo, "rev-parse", branch); got != head {
		t.Errorf("second run moved %s from %s to %s", branch, head, got)
	}
	if got := gitOut(t, repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/wattson/fix-*"); got != branch {
		t.Errorf("fix branches after two runs: %q, want %s alone", got, branch)
	}

	// Mistakes: a usage error names the flag; a revision that is not there
	// fails and leaves the branch alone.
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"bad format", []string{"offense", "--profiles", s.Profiles, "--repo", repo, "--service", s.Service, "--format", "yaml"}, 2, "--format"},
		{"no code host", []string{"offense", "--profiles", s.Profiles, "--service", s.Service}, 2, "--repo"},
		{"unknown revision", []string{"offense", "--profiles", s.Profiles, "--repo", repo, "--service", s.Service, "--base", "v9.9.9", "--fix"}, 1, "v9.9.9"},
	} {
		r := wattson(t, goEnv(t), tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d naming %s", tc.name, r.code, r.stderr, tc.code, tc.want)
		}
	}
	if got := gitOut(t, repo, "rev-parse", branch); got != head {
		t.Errorf("a failed run moved %s", branch)
	}
}
