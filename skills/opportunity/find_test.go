package opportunity_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/pprof/profile"

	"github.com/wattson-dev/wattson/skills/library"
	"github.com/wattson-dev/wattson/skills/opportunity"
	"github.com/wattson-dev/wattson/skills/skillmd"
)

// builtinPatterns loads the patterns shipped in the skill library.
func builtinPatterns(t *testing.T) []opportunity.Pattern {
	t.Helper()
	lib, probs := skillmd.Load(library.FS(), ".", "built-in")
	if len(probs) > 0 {
		t.Fatalf("load library: %v", probs)
	}
	pats, errs := opportunity.LoadPatterns(lib)
	if len(errs) > 0 {
		t.Fatalf("load patterns: %v", errs)
	}
	return pats
}

var (
	buildOnce sync.Once
	hotprog   string
	buildErr  error
)

// buildHotprog builds testdata/hotprog once per test binary.
func buildHotprog(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		src, err := os.ReadFile("testdata/hotprog/main.go.txt")
		if err != nil {
			buildErr = err
			return
		}
		dir, err := os.MkdirTemp("", "hotprog-")
		if err != nil {
			buildErr = err
			return
		}
		if err := os.WriteFile(filepath.Join(dir, "main.go"), src, 0o644); err != nil {
			buildErr = err
			return
		}
		if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/hotprog\n\ngo 1.26\n"), 0o644); err != nil {
			buildErr = err
			return
		}
		hotprog = filepath.Join(dir, "hotprog")
		cmd := exec.Command("go", "build", "-o", hotprog, ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = err
			hotprog = string(out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build hotprog: %v\n%s", buildErr, hotprog)
	}
	return hotprog
}

// profileRun runs hotprog in mode and returns its profiles.
func profileRun(t *testing.T, mode string) []opportunity.Profile {
	t.Helper()
	bin := buildHotprog(t)
	dir := t.TempDir()
	cpu, mutex := filepath.Join(dir, "cpu.pb.gz"), filepath.Join(dir, "mutex.pb.gz")
	args := []string{"-mode", mode, "-cpuprofile", cpu, "-for", "1500ms"}
	if mode == "mutex" {
		args = append(args, "-mutexprofile", mutex)
	}
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("run hotprog %s: %v\n%s", mode, err, out)
	}
	out := []opportunity.Profile{{Kind: opportunity.KindCPU, Profile: readProfile(t, cpu)}}
	if mode == "mutex" {
		out = append(out, opportunity.Profile{Kind: opportunity.KindMutex, Profile: readProfile(t, mutex)})
	}
	return out
}

func readProfile(t *testing.T, path string) *profile.Profile {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	return p
}

// TestPatternsInRealProfiles runs a small program per pattern under the
// profiler and checks that the pattern is found in the function that has
// it, and that a program without any of them yields no finding.
func TestPatternsInRealProfiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and profiles a program")
	}
	pats := builtinPatterns(t)
	tests := []struct {
		mode, pattern, function string
	}{
		{"regexp", "regexp-compile-per-call", "main.validateEmails"},
		{"sprintf", "fmt-string-building", "main.buildKeys"},
		{"json", "json-per-request", "main.handleCatalog"},
		{"grow", "growth-without-presize", "main.collect"},
		{"timenow", "time-now-in-loop", "main.stamp"},
		{"defer", "defer-in-loop", "main.releaseAll"},
		{"gc", "gc-pressure", "main.churn"},
		{"mutex", "lock-contention", "main.contend.func1"},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			t.Parallel()
			fs, err := opportunity.Find(profileRun(t, tt.mode), pats, opportunity.Options{Service: "hot", Instances: 4})
			if err != nil {
				t.Fatal(err)
			}
			var got *opportunity.Finding
			for i, f := range fs {
				if f.Pattern == tt.pattern && f.Function == tt.function {
					got = &fs[i]
				}
			}
			if got == nil {
				t.Fatalf("%s not found in %s; findings:\n%s", tt.pattern, tt.function, describe(fs))
			}
			if !strings.HasSuffix(got.File, "main.go") || len(got.Lines) == 0 || got.Suggestion == "" || got.Skill == "" {
				t.Errorf("finding lacks location, suggestion or skill: %+v", *got)
			}
			if got.Profile == opportunity.KindCPU && (got.Cores <= 0 || got.Watts != got.Cores*10 || got.Share <= 0) {
				t.Errorf("finding lacks savings: %+v", *got)
			}
			if got.Profile == opportunity.KindMutex && got.WaitSeconds <= 0 {
				t.Errorf("contention finding lacks wait: %+v", *got)
			}
			t.Logf("%s in %s at %s:%s: %.1f%% of CPU, %.3f cores, %.2f W", got.Pattern, got.Function,
				filepath.Base(got.File), got.LineSpan(), 100*got.Share, got.Cores, got.Watts)
		})
	}
	t.Run("clean", func(t *testing.T) {
		t.Parallel()
		fs, err := opportunity.Find(profileRun(t, "clean"), pats, opportunity.Options{Service: "hot"})
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) > 0 {
			t.Errorf("clean program has findings:\n%s", describe(fs))
		}
	})
}

func describe(fs []opportunity.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.Pattern + " in " + f.Function + " lines " + f.LineSpan() + "\n")
	}
	return b.String()
}
