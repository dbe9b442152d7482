package fixgate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/benchcheck"
)

// ErrGateFailed is what Gated.Fix returns when a change fails a check:
// nothing was opened.
var ErrGateFailed = errors.New("the change fails the gate")

// Gated is a Preparer that puts every change through the gate before Next
// opens it: the edits applied to a checkout of the base revision, `go
// build ./...`, `go vet` and the tests of the Go packages they change,
// then those packages' benchmarks before and after. A change that fails a
// check is not opened (the error, ErrGateFailed, carries the failing
// command and its output, so that a model can correct its edit); one that
// passes opens with the checks and the benchmark table appended to its
// body. A change of no Go package is opened as it is. It gates the edits
// of propose_fix, which come from a model or a pattern skill and are not
// of one function, so every benchmark of a changed package counts.
type Gated struct {
	// Checkout is a local clone of the repository the changes are for.
	Checkout string
	// Next opens a change that passed, and every revert.
	Next Host
	// Bench tunes the benchmark.
	Bench benchcheck.Options
}

// Host opens reverts and fixes: *gitlocal.Repo, *github.Host.
type Host interface {
	Preparer
	Revert(ctx context.Context, req skills.RevertRequest) (skills.PullRequest, error)
}

// Revert opens req with Next as it is: a revert restores code that built
// and ran before, and the code host's own build check covers it.
func (g *Gated) Revert(ctx context.Context, req skills.RevertRequest) (skills.PullRequest, error) {
	return g.Next.Revert(ctx, req)
}

// Fix gates req and, when it passes, opens it with Next.
func (g *Gated) Fix(ctx context.Context, req skills.FixRequest) (skills.PullRequest, error) {
	pkgs := goDirs(req.Files)
	if len(pkgs) == 0 {
		return g.Next.Fix(ctx, req)
	}
	base := req.Base
	if base == "" {
		base = "HEAD"
	}
	before, after, done, err := worktrees(ctx, g.Checkout, base)
	if err != nil {
		return skills.PullRequest{}, fmt.Errorf("gate %s: %w", req.Branch, err)
	}
	defer done()
	for _, e := range req.Files {
		p := filepath.Join(after, filepath.FromSlash(path.Clean("/" + e.Path))[1:])
		if e.Delete {
			err = os.Remove(p)
		} else if err = os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
			err = os.WriteFile(p, e.Content, 0o644)
		}
		if err != nil {
			return skills.PullRequest{}, fmt.Errorf("gate %s: apply %s: %w", req.Branch, e.Path, err)
		}
	}
	var live []string // packages the change leaves in the module
	for _, d := range pkgs {
		if ms, _ := filepath.Glob(filepath.Join(after, filepath.FromSlash(d), "*.go")); len(ms) > 0 {
			live = append(live, "./"+d)
		}
	}
	if len(live) == 0 {
		live = []string{"./..."}
	}
	rep, err := benchcheck.Gate(ctx, benchcheck.Change{Before: before, After: after, Packages: live}, g.Bench)
	if err != nil {
		return skills.PullRequest{}, fmt.Errorf("gate %s: %w", req.Branch, err)
	}
	if !rep.Passed() {
		last := rep.Checks[len(rep.Checks)-1]
		return skills.PullRequest{}, fmt.Errorf("gate %s: %w: `%s` fails:\n%s", req.Branch, ErrGateFailed, last.Command, last.Output)
	}
	var b strings.Builder
	b.WriteString(req.Body)
	b.WriteString("\n\n---\nWattson gated this change before opening it.\n")
	writeGate(&b, &rep)
	req.Body = b.String()
	return g.Next.Fix(ctx, req)
}

// goDirs lists the directories (slash paths relative to the repository
// root, "." for the root) of the Go files edits change, sorted.
func goDirs(edits []skills.FileEdit) []string {
	var dirs []string
	for _, e := range edits {
		if strings.HasSuffix(e.Path, ".go") {
			d := path.Dir(path.Clean(e.Path))
			if !slices.Contains(dirs, d) {
				dirs = append(dirs, d)
			}
		}
	}
	slices.Sort(dirs)
	return dirs
}
