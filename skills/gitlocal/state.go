package gitlocal

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/skills"
)

// State reads the prepared change's branch (pr.Branch, else pr.URL) as it
// is now and changes nothing. The branch is merged when it is an ancestor
// of its base (pr.Base, else the branch checked out in the clone), however
// it got there; MergedAt is then the commit time of the merge commit that
// brought it in, and zero when it was fast-forwarded (git keeps no time
// for that). A branch not merged yet is State branch. A branch that is gone
// is merged when pr.Commit, the head it had when last read, is in the
// base (merged by hand, then deleted), and closed otherwise (Close
// deletes it).
func (r *Repo) State(ctx context.Context, pr skills.PullRequest) (skills.PullRequest, error) {
	if pr.Branch == "" {
		pr.Branch = pr.URL
	}
	base, err := r.baseBranch(ctx, pr.Base)
	if err != nil {
		return pr, fmt.Errorf("read %s: %w", pr.Branch, err)
	}
	if base == pr.Branch {
		return pr, fmt.Errorf("read %s: it is checked out in %s, so there is no base branch to compare it with", pr.Branch, r.dir)
	}
	pr.Base = base
	tip, ok := r.branchHead(ctx, pr.Branch)
	if !ok && pr.Commit == "" {
		pr.State = skills.StateClosed
		return pr, nil
	}
	if !ok {
		// The branch is gone: merged and then deleted, when the head it
		// had is in the base branch; otherwise closed.
		tip = pr.Commit
	}
	pr.Commit = tip
	merged, err := r.isAncestor(ctx, tip, "refs/heads/"+base)
	if err != nil && !ok {
		merged, err = false, nil // the head it had is no longer in the clone
	}
	if err != nil {
		return pr, fmt.Errorf("read %s: %w", pr.Branch, err)
	}
	if !merged {
		pr.State = skills.StateBranch
		if !ok {
			pr.State = skills.StateClosed
		}
		return pr, nil
	}
	pr.State = skills.StateMerged
	if pr.MergedAt, err = r.mergedAt(ctx, tip, base); err != nil {
		return pr, fmt.Errorf("read %s: %w", pr.Branch, err)
	}
	return pr, nil
}

// isAncestor reports whether commit a is an ancestor of (or is) b.
func (r *Repo) isAncestor(ctx context.Context, a, b string) (bool, error) {
	_, err := r.run(ctx, "merge-base", "--is-ancestor", a, b)
	var ee *exec.ExitError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &ee) && ee.ExitCode() == 1:
		return false, nil
	}
	return false, err
}

// mergedAt returns the commit time of the merge commit on base's
// first-parent line that brought tip in, or zero when tip itself is on
// that line (a fast-forward).
func (r *Repo) mergedAt(ctx context.Context, tip, base string) (time.Time, error) {
	out, err := r.run(ctx, "rev-list", "--first-parent", "--ancestry-path", "--reverse", tip+"..refs/heads/"+base)
	if err != nil {
		return time.Time{}, fmt.Errorf("find the merge of %s: %w", tip, err)
	}
	landed := strings.Fields(string(out))
	if len(landed) == 0 {
		return time.Time{}, nil
	}
	out, err = r.run(ctx, "log", "-1", "--format=%P%n%cI", landed[0])
	if err != nil {
		return time.Time{}, fmt.Errorf("read merge %s: %w", landed[0], err)
	}
	parents, date, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	if first, _, _ := strings.Cut(parents, " "); first == tip {
		return time.Time{}, nil // tip is on base's first-parent line: fast-forwarded
	}
	at, err := time.Parse(time.RFC3339, strings.TrimSpace(date))
	if err != nil {
		return time.Time{}, fmt.Errorf("read merge %s: commit time %q: %w", landed[0], date, err)
	}
	return at.UTC(), nil
}
