// Package skillstest builds investigation scenarios for tests: a real git
// repository with commits, and real CPU profiles in the pprof format.
package skillstest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/pprof/profile"
)

// Repo is a git repository in a test's temporary directory.
type Repo struct {
	Dir  string
	t    testing.TB
	when time.Time
}

// NewRepo makes an empty repository under t.TempDir().
func NewRepo(t testing.TB) *Repo {
	t.Helper()
	r := &Repo{Dir: filepath.Join(t.TempDir(), "repo"), t: t, when: time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC)}
	if err := os.MkdirAll(r.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r.git("init", "--quiet", "--initial-branch=main")
	return r
}

// git runs git in the repository with a fixed identity and clock.
func (r *Repo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", append([]string{"-C", r.Dir}, args...)...)
	date := r.when.Format(time.RFC3339)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Ada Dev", "GIT_AUTHOR_EMAIL=ada@example.com",
		"GIT_COMMITTER_NAME=Ada Dev", "GIT_COMMITTER_EMAIL=ada@example.com",
		"GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date, "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		r.t.Fatalf("git %v: %v: %s", args, err, errb.String())
	}
	return strings.TrimSpace(out.String())
}

// Commit writes files (path → content; empty content deletes) and commits
// them with msg, returning the new sha.
func (r *Repo) Commit(msg string, files map[string]string) string {
	r.t.Helper()
	for p, content := range files {
		full := filepath.Join(r.Dir, p)
		if content == "" {
			r.git("rm", "--quiet", p)
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			r.t.Fatal(err)
		}
		r.git("add", p)
	}
	r.when = r.when.Add(time.Hour)
	r.git("commit", "--quiet", "-m", msg)
	return r.git("rev-parse", "HEAD")
}

// LineOf returns the 1-based line of the first line of content that
// contains marker; it fails the test when there is none.
func LineOf(t testing.TB, content, marker string) int64 {
	t.Helper()
	for i, l := range strings.Split(content, "\n") {
		if strings.Contains(l, marker) {
			return int64(i + 1)
		}
	}
	t.Fatalf("no line with %q", marker)
	return 0
}

// Frame is one stack frame of a synthetic sample.
type Frame struct {
	Func      string
	File      string
	StartLine int64
	Line      int64
}

// Stack is a leaf-first stack and how many 10 ms samples it got.
type Stack struct {
	Frames []Frame
	Count  int64
}

// CPUProfile builds a gzip-compressed CPU profile, as net/http/pprof
// serves it, with the given stacks, captured at t.
func CPUProfile(t testing.TB, at time.Time, stacks []Stack) []byte {
	t.Helper()
	const period = 10_000_000
	p := &profile.Profile{
		SampleType:    []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		PeriodType:    &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:        period,
		TimeNanos:     at.UnixNano(),
		DurationNanos: int64(7 * time.Second),
	}
	funcs := map[string]*profile.Function{}
	locs := map[Frame]*profile.Location{}
	for _, s := range stacks {
		var ls []*profile.Location
		for _, f := range s.Frames {
			fn := funcs[f.Func]
			if fn == nil {
				fn = &profile.Function{ID: uint64(len(funcs) + 1), Name: f.Func, SystemName: f.Func, Filename: f.File, StartLine: f.StartLine}
				funcs[f.Func] = fn
				p.Function = append(p.Function, fn)
			}
			loc := locs[f]
			if loc == nil {
				loc = &profile.Location{ID: uint64(len(locs) + 1), Address: uint64(0x1000 + len(locs)), Line: []profile.Line{{Function: fn, Line: f.Line}}}
				locs[f] = loc
				p.Location = append(p.Location, loc)
			}
			ls = append(ls, loc)
		}
		p.Sample = append(p.Sample, &profile.Sample{Location: ls, Value: []int64{s.Count, s.Count * period}})
	}
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
