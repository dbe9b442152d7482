package test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestOffEvalOffense runs `wattson eval offense --generate` as a
// maintainer scoring the offense side would: the corpus is written and
// profiled, every finding's fix is made and gated, and the scores hold
// the bar (every planted pattern found and nothing else, every fix builds
// and passes the package's tests, none changes behaviour, the unsafe one
// stays a suggestion). A second run scores the corpus already there; a
// directory with no corpus is a failure that says how to make one.
func TestOffEvalOffense(t *testing.T) {
	corpus := filepath.Join(t.TempDir(), "corpus")
	run := func(args ...string) result {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, binary, args...)
		cmd.Dir = t.TempDir()
		cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + cmd.Dir}, goEnv(t)...)
		out, err := cmd.Output()
		r := result{stdout: string(out)}
		if ee, ok := err.(*exec.ExitError); ok {
			r.code, r.stderr = ee.ExitCode(), string(ee.Stderr)
		} else if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := run("eval", "offense", "--corpus", corpus, "--generate", "--count", "4", "--benchtime", "20ms", "--format", "json")
	if r.code != 0 {
		t.Fatalf("eval offense --generate: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var rep struct {
		Rows []struct {
			Service, Outcome string
		} `json:"rows"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("eval offense --format json: %v\n%s", err, r.stdout)
	}
	var scores map[string]any
	_ = json.Unmarshal([]byte(r.stdout), &scores)
	num := func(k string) int { v, _ := scores[k].(float64); return int(v) }
	if f, tr, pl := num("findings"), num("true"), num("planted_total"); f != tr || tr != pl || pl != 5 {
		t.Errorf("findings %d, true %d, planted %d: want the 5 planted and nothing else", f, tr, pl)
	}
	if fx, ok, bc := num("fixes"), num("passing"), num("behaviour_changes"); fx != 4 || ok != 4 || bc != 0 {
		t.Errorf("fixes %d, passing %d, behaviour changes %d: want 4, 4, 0", fx, ok, bc)
	}
	for _, row := range rep.Rows {
		if row.Service == "longest" && row.Outcome != "suggestion" {
			t.Errorf("longest: %s, want a suggestion (its regexp calls Longest, a shared one would change)", row.Outcome)
		}
	}

	// Again, on the corpus as it is, as a table.
	r = run("eval", "offense", "--corpus", corpus, "--count", "3", "--benchtime", "20ms")
	if r.code != 0 || !strings.Contains(r.stdout, "precision 100%") || !strings.Contains(r.stdout, "0 change behaviour") {
		t.Errorf("eval offense on the generated corpus: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r := run("eval", "offense", "--corpus", t.TempDir()); r.code != 1 || !strings.Contains(r.stderr, "--generate") {
		t.Errorf("eval offense on an empty dir: exit %d, stderr %q; want 1 saying to --generate", r.code, r.stderr)
	}
}
