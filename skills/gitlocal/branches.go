package gitlocal

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/wattson-dev/wattson/skills"
)

// Merge merges the prepared change's branch into its base with a merge
// commit. Merging into the branch checked out in the clone needs a clean
// working tree; any other base is merged in a temporary worktree. A branch
// already merged is left alone. It returns the change with State merged.
func (r *Repo) Merge(ctx context.Context, pr skills.PullRequest) (skills.PullRequest, error) {
	unlock, err := r.lock(ctx) // one replica at a time prepares branches in this clone
	if err != nil {
		return pr, err
	}
	defer unlock()
	if pr.Base == "" {
		base, err := r.baseBranch(ctx, "")
		if err != nil {
			return pr, fmt.Errorf("merge %s: %w", pr.Branch, err)
		}
		pr.Base = base
	}
	if _, ok := r.branchHead(ctx, pr.Branch); !ok {
		return pr, fmt.Errorf("merge %s: no such branch: %w", pr.Branch, skills.ErrUnknownRevision)
	}
	if _, err := r.run(ctx, "merge-base", "--is-ancestor", "refs/heads/"+pr.Branch, "refs/heads/"+pr.Base); err == nil {
		pr.State = skills.StateMerged
		return pr, nil
	}
	target := r
	cur, _ := r.run(ctx, "symbolic-ref", "--short", "-q", "HEAD")
	if strings.TrimSpace(string(cur)) != pr.Base {
		wt, cleanup, err := r.worktree(ctx, pr.Base, "", false)
		if err != nil {
			return pr, fmt.Errorf("merge %s: %w", pr.Branch, err)
		}
		defer cleanup()
		target = wt
	}
	args := append(r.identity(ctx), "merge", "--no-ff", "--no-edit", "-m", "Merge "+pr.Branch+" (approved in Wattson)", "refs/heads/"+pr.Branch)
	if _, err := target.run(ctx, args...); err != nil {
		_, _ = target.run(context.WithoutCancel(ctx), "merge", "--abort")
		return pr, fmt.Errorf("merge %s into %s: %w", pr.Branch, pr.Base, err)
	}
	pr.State = skills.StateMerged
	return pr, nil
}

// Ready leaves the branch as it is, for someone to merge by hand (a local
// clone has no review state), and says so: it returns the change with
// State branch and a note naming the command that merges it.
func (r *Repo) Ready(_ context.Context, pr skills.PullRequest) (skills.PullRequest, error) {
	pr.State = skills.StateBranch
	pr.Notes = append(pr.Notes, "the branch waits in the local clone to be merged by hand: git merge --no-ff "+pr.Branch)
	return pr, nil
}

// Close deletes the prepared change's branch (a local clone has nowhere to
// keep the reason); a branch already gone is not an error. It returns the
// change with State closed.
func (r *Repo) Close(ctx context.Context, pr skills.PullRequest, _ string) (skills.PullRequest, error) {
	if _, ok := r.branchHead(ctx, pr.Branch); ok {
		if _, err := r.run(ctx, "branch", "-D", pr.Branch); err != nil {
			return pr, fmt.Errorf("close %s: %w", pr.Branch, err)
		}
	}
	pr.State = skills.StateClosed
	return pr, nil
}

// Fix commits req.Files on a new branch req.Branch off req.Base (the
// current branch when empty) in a temporary worktree, then checks that it
// builds. The commit message is req.Title, then req.Body: a branch's pull
// request description. An existing branch is reused as it is.
func (r *Repo) Fix(ctx context.Context, req skills.FixRequest) (skills.PullRequest, error) {
	unlock, err := r.lock(ctx) // one replica at a time prepares branches in this clone
	if err != nil {
		return skills.PullRequest{}, err
	}
	defer unlock()
	base, err := r.baseBranch(ctx, req.Base)
	if err != nil {
		return skills.PullRequest{}, fmt.Errorf("fix %s: %w", req.Branch, err)
	}
	pr := skills.PullRequest{URL: req.Branch, Branch: req.Branch, Base: base, State: skills.StateBranch}
	_, exists := r.branchHead(ctx, req.Branch)
	wt, cleanup, err := r.worktree(ctx, req.Branch, base, !exists)
	if err != nil {
		return skills.PullRequest{}, fmt.Errorf("fix %s: %w", req.Branch, err)
	}
	defer cleanup()
	if !exists {
		if err := wt.write(ctx, req); err != nil {
			cleanup()
			_, _ = r.run(context.WithoutCancel(ctx), "branch", "-D", req.Branch)
			return skills.PullRequest{}, fmt.Errorf("fix %s: %w", req.Branch, err)
		}
	}
	if pr.Commit, err = wt.Resolve(ctx, "HEAD"); err != nil {
		return skills.PullRequest{}, fmt.Errorf("fix %s: %w", req.Branch, err)
	}
	pr.Build = r.check(ctx, wt.dir)
	return pr, nil
}

// write applies the edits in the worktree wt and commits them.
func (wt *Repo) write(ctx context.Context, req skills.FixRequest) error {
	for _, f := range req.Files {
		if !filepath.IsLocal(f.Path) {
			return fmt.Errorf("write %q: not a path inside the repository", f.Path)
		}
		full := filepath.Join(wt.dir, f.Path)
		if f.Delete {
			if _, err := wt.run(ctx, "rm", "--quiet", "--", f.Path); err != nil {
				return err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return fmt.Errorf("write %s: %w", f.Path, err)
		}
		if err := os.WriteFile(full, f.Content, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", f.Path, err)
		}
		if _, err := wt.run(ctx, "add", "--", f.Path); err != nil {
			return err
		}
	}
	msg := req.Title
	if msg == "" {
		msg = "Fix proposed by Wattson"
	}
	if req.Body != "" { // a branch has no pull request: its description goes in the commit message
		msg += "\n\n" + req.Body
	}
	if _, err := wt.run(ctx, append(wt.identity(ctx), "commit", "--no-verify", "--cleanup=verbatim", "-m", msg)...); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
