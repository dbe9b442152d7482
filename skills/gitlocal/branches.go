package gitlocal

import (
	"context"
	"fmt"
	"strings"

	"github.com/wattson-dev/wattson/skills"
)

// Merge merges the prepared change's branch into its base with a merge
// commit. Merging into the branch checked out in the clone needs a clean
// working tree; any other base is merged in a temporary worktree. A branch
// already merged is left alone. It returns the change with State merged.
func (r *Repo) Merge(ctx context.Context, pr skills.PullRequest) (skills.PullRequest, error) {
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

// Close deletes the prepared change's branch; a branch already gone is not
// an error. It returns the change with State closed.
func (r *Repo) Close(ctx context.Context, pr skills.PullRequest) (skills.PullRequest, error) {
	if _, ok := r.branchHead(ctx, pr.Branch); ok {
		if _, err := r.run(ctx, "branch", "-D", pr.Branch); err != nil {
			return pr, fmt.Errorf("close %s: %w", pr.Branch, err)
		}
	}
	pr.State = skills.StateClosed
	return pr, nil
}
