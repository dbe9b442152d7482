// Package fixgate turns an offense finding whose pattern names a rewrite
// into a fix prepared for review: it checks the service's repository out
// twice at the revision to fix (before and after), makes the rewrite
// (package skills/rewrite) in one, gates it (package skills/benchcheck:
// build, vet, tests of the changed package, before/after benchmark) and
// only when every check passes opens it on the code host (a local
// clone's branch or a draft GitHub pull request) with a body holding the
// diff summary, the checks, the benchmark table and the profile's
// estimate of the cores and watts it saves.
//
// A rewrite that is not provably safe is not made: the finding stays a
// suggestion and says why. A fix whose benchmark shows no significant gain
// is still prepared, but its body says so and it is not offered as a
// saving (Result.Saving is false).
package fixgate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/benchcheck"
	"github.com/wattson-dev/wattson/skills/opportunity"
	"github.com/wattson-dev/wattson/skills/rewrite"
)

// Preparer opens a change made of file edits on a code host:
// *gitlocal.Repo and *github.Host.
type Preparer interface {
	Fix(ctx context.Context, req skills.FixRequest) (skills.PullRequest, error)
}

// Fixer prepares and gates the mechanical fixes of findings. Build it once;
// it does no I/O until Fix.
type Fixer struct {
	// Checkout is a local git clone of the service's repository: the
	// source the rewrite reads.
	Checkout string
	// Base is the revision to fix (a branch, tag or sha); empty means the
	// checkout's HEAD. The fix's branch is made off it.
	Base string
	// Host opens the gated fix; nil prepares and gates it without opening
	// anything.
	Host Preparer
	// Bench tunes the gate's benchmark.
	Bench benchcheck.Options
}

// Outcomes of a finding.
const (
	// Prepared: the fix passed the gate and is open for review.
	Prepared = "prepared"
	// Suggestion: no rewrite, or none provably safe; nothing changed.
	Suggestion = "suggestion"
	// Failed: the rewritten code fails a check; nothing opened.
	Failed = "failed"
)

// Result is what became of one finding.
type Result struct {
	// Finding is the finding.
	Finding opportunity.Finding `json:"finding"`
	// Outcome is prepared, suggestion or failed; Reason says why when
	// it is not prepared.
	Outcome string `json:"outcome"`
	Reason  string `json:"reason,omitempty"`
	// Branch is the fix's branch; Files the files it changes; Changes
	// what the rewrite did, one line each; DiffStat git's summary.
	Branch   string   `json:"branch,omitempty"`
	Files    []string `json:"files,omitempty"`
	Changes  []string `json:"changes,omitempty"`
	DiffStat string   `json:"diffstat,omitempty"`
	// Gate is what the build, vet, tests and benchmark found.
	Gate *benchcheck.Report `json:"gate,omitempty"`
	// Saving is whether the benchmark shows a significant gain: only
	// then is the fix offered as a saving.
	Saving bool `json:"saving"`
	// Title and Body are the pull request's; PR is it once opened.
	Title string              `json:"title,omitempty"`
	Body  string              `json:"body,omitempty"`
	PR    *skills.PullRequest `json:"pull_request,omitempty"`
}

// Fix prepares and gates the fix of f. An error means the fix could not
// be tried (the checkout is missing, the go command fails to run, the
// code host refuses); a fix that is unsafe or fails a check is a Result.
func (x *Fixer) Fix(ctx context.Context, f opportunity.Finding) (Result, error) {
	res := Result{Finding: f, Outcome: Suggestion}
	if f.Rewrite == "" {
		res.Reason = "the pattern " + f.Pattern + " has no rewrite"
		return res, nil
	}
	base := x.Base
	if base == "" {
		base = "HEAD"
	}
	before, after, done, err := worktrees(ctx, x.Checkout, base)
	if err != nil {
		return res, fmt.Errorf("fix %s: %w", f.Function, err)
	}
	defer done()
	rw, err := rewrite.Apply(ctx, after, f.Function, f.Rewrite)
	var ns *rewrite.NotSafeError
	if errors.As(err, &ns) {
		res.Reason = ns.Reason
		return res, nil
	}
	if err != nil {
		res.Outcome, res.Reason = Failed, err.Error()
		return res, nil
	}
	edits := make([]skills.FileEdit, 0, len(rw.Edits))
	for _, e := range rw.Edits {
		if err := os.WriteFile(filepath.Join(after, filepath.FromSlash(e.Path)), e.Content, 0o644); err != nil {
			return res, fmt.Errorf("fix %s: %w", f.Function, err)
		}
		edits = append(edits, skills.FileEdit{Path: e.Path, Content: e.Content})
		res.Files = append(res.Files, e.Path)
	}
	res.Changes = rw.Changes
	res.DiffStat, _ = git(ctx, after, "diff", "--stat")
	gate, err := benchcheck.Gate(ctx, benchcheck.Change{Before: before, After: after, Packages: []string{rw.Package}, Function: f.Function}, x.Bench)
	if err != nil {
		return res, fmt.Errorf("fix %s: %w", f.Function, err)
	}
	res.Gate = &gate
	res.Branch = Branch(f)
	res.Saving = gate.Gain() != nil
	res.Title, res.Body = title(f), Body(res)
	if !gate.Passed() {
		res.Outcome, res.Reason = Failed, "a check failed: "+failed(gate)
		return res, nil
	}
	res.Outcome = Prepared
	if x.Host == nil {
		return res, nil
	}
	pr, err := x.Host.Fix(ctx, skills.FixRequest{Branch: res.Branch, Base: x.Base, Title: res.Title, Body: res.Body, Files: edits})
	if err != nil {
		return res, fmt.Errorf("fix %s: open: %w", f.Function, err)
	}
	res.PR = &pr
	return res, nil
}

// Branch is the branch a finding's fix is prepared on:
// "wattson/fix-<package>.<function>-<rewrite>", made safe for git.
func Branch(f opportunity.Finding) string {
	name := f.Function[strings.LastIndexByte(f.Function, '/')+1:]
	return "wattson/fix-" + unsafeRef.ReplaceAllString(name, "-") + "-" + f.Rewrite
}

var unsafeRef = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func title(f opportunity.Finding) string {
	if f.Fix != nil && f.Fix.Title != "" {
		return strings.ReplaceAll(f.Fix.Title, "{function}", f.Function)
	}
	return fmt.Sprintf("perf: %s in %s", f.Rewrite, f.Function)
}

func failed(g benchcheck.Report) string {
	for _, c := range g.Checks {
		if !c.OK {
			return c.Command
		}
	}
	return "no check ran"
}

// git runs git in dir and returns its trimmed output.
func git(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("git %s: %s: %w", args[0], strings.TrimSpace(errb.String()), err)
	}
	return strings.TrimSpace(out.String()), nil
}

// worktrees checks base out of the clone at checkout twice, as the code
// before and after a change; done removes both.
func worktrees(ctx context.Context, checkout, base string) (before, after string, done func(), err error) {
	sha, err := git(ctx, checkout, "rev-parse", "--verify", "--quiet", "--end-of-options", base+"^{commit}")
	if err != nil {
		return "", "", nil, fmt.Errorf("resolve %s: %w", base, err)
	}
	tmp, err := os.MkdirTemp("", "wattson-fix-")
	if err != nil {
		return "", "", nil, err
	}
	before, after = filepath.Join(tmp, "before"), filepath.Join(tmp, "after")
	var added []string
	done = func() {
		for _, dir := range added {
			git(context.WithoutCancel(ctx), checkout, "worktree", "remove", "--force", dir) //nolint:errcheck // best effort; the directory goes anyway
		}
		os.RemoveAll(tmp)
	}
	for _, dir := range []string{before, after} {
		if _, err := git(ctx, checkout, "worktree", "add", "--quiet", "--detach", dir, sha); err != nil {
			done()
			return "", "", nil, fmt.Errorf("check out %s: %w", base, err)
		}
		added = append(added, dir)
	}
	return before, after, done, nil
}
