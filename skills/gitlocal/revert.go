package gitlocal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/wattson-dev/wattson/skills"
)

// defaultBuild is the command a prepared change is checked with.
var defaultBuild = []string{"go", "build", "./..."}

// WithBuild returns a copy of r that checks prepared changes with the
// command args (run in the change's worktree) instead of `go build ./...`;
// no args turns the check off.
func (r *Repo) WithBuild(args ...string) *Repo {
	c := *r
	c.build = append([]string{}, args...)
	c.buildSet = true
	return &c
}

// Revert prepares the revert of req.Commit with `git revert` on the branch
// skills.RevertBranch(req.Commit), made off req.Base (the current branch
// when empty). The work happens in a temporary worktree, so the clone's own
// working tree is never touched; the same worktree then runs the build
// check (`go build ./...` when the repository has a go.mod) and is removed.
// A branch left by an earlier call is reused and checked again. A revert
// that does not apply cleanly is a *skills.ConflictError naming the files,
// and leaves nothing behind.
func (r *Repo) Revert(ctx context.Context, req skills.RevertRequest) (skills.PullRequest, error) {
	unlock, err := r.lock(ctx) // one replica at a time prepares branches in this clone
	if err != nil {
		return skills.PullRequest{}, err
	}
	defer unlock()
	sha, err := r.Resolve(ctx, req.Commit)
	if err != nil {
		return skills.PullRequest{}, fmt.Errorf("revert %s: %w", req.Commit, err)
	}
	base, err := r.baseBranch(ctx, req.Base)
	if err != nil {
		return skills.PullRequest{}, fmt.Errorf("revert %s: %w", req.Commit, err)
	}
	branch := skills.RevertBranch(sha)
	pr := skills.PullRequest{URL: branch, Branch: branch, Base: base, State: skills.StateBranch}
	_, exists := r.branchHead(ctx, branch)
	wt, cleanup, err := r.worktree(ctx, branch, base, !exists)
	if err != nil {
		return skills.PullRequest{}, fmt.Errorf("revert %s: %w", req.Commit, err)
	}
	defer cleanup()
	if !exists {
		if err := wt.revert(ctx, sha, req); err != nil {
			cleanup()
			_, _ = r.run(context.WithoutCancel(ctx), "branch", "-D", branch)
			return skills.PullRequest{}, err
		}
	}
	if pr.Commit, err = wt.Resolve(ctx, "HEAD"); err != nil {
		return skills.PullRequest{}, fmt.Errorf("revert %s: %w", req.Commit, err)
	}
	pr.Build = r.check(ctx, wt.dir)
	return pr, nil
}

// revert runs git revert in the worktree wt; on a conflict it aborts and
// reports the conflicting files.
func (wt *Repo) revert(ctx context.Context, sha string, req skills.RevertRequest) error {
	args := wt.identity(ctx)
	msg := req.Title
	if msg == "" {
		msg = "Revert " + sha
	}
	msg += "\n\nThis reverts commit " + sha + "."
	if _, err := wt.run(ctx, "revert", "--no-commit", sha); err != nil {
		out, _ := wt.run(ctx, "diff", "--name-only", "--diff-filter=U")
		_, _ = wt.run(context.WithoutCancel(ctx), "reset", "--hard", "--quiet", "HEAD")
		files := strings.Fields(string(out))
		if len(files) == 0 {
			return fmt.Errorf("revert %s: %w", sha, err)
		}
		return &skills.ConflictError{Commit: sha, Files: files}
	}
	if _, err := wt.run(ctx, append(args, "commit", "--no-verify", "-m", msg)...); err != nil {
		return fmt.Errorf("revert %s: commit: %w", sha, err)
	}
	return nil
}

// identity returns -c flags naming Wattson as the author when the
// repository has no user configured, so that commits work on a bare CI
// machine.
func (r *Repo) identity(ctx context.Context) []string {
	if out, err := r.run(ctx, "config", "user.email"); err == nil && len(bytes.TrimSpace(out)) > 0 {
		return nil
	}
	return []string{"-c", "user.name=Wattson", "-c", "user.email=wattson@localhost"}
}

// baseBranch returns base, or the clone's current branch when base is empty.
func (r *Repo) baseBranch(ctx context.Context, base string) (string, error) {
	if base != "" {
		if _, err := r.Resolve(ctx, base); err != nil {
			return "", fmt.Errorf("base branch: %w", err)
		}
		return base, nil
	}
	out, err := r.run(ctx, "symbolic-ref", "--short", "-q", "HEAD")
	if err != nil {
		return "", errors.New("base branch: HEAD is detached; name a base branch")
	}
	return strings.TrimSpace(string(out)), nil
}

// branchHead returns the commit branch points at, if it exists.
func (r *Repo) branchHead(ctx context.Context, branch string) (string, bool) {
	out, err := r.run(ctx, "rev-parse", "--verify", "--quiet", "refs/heads/"+branch)
	if err != nil {
		return "", false
	}
	return strings.TrimSpace(string(out)), true
}

// worktree checks out branch in a new temporary worktree (creating the
// branch off base when create is set) and returns it with a cleanup func
// that removes it; cleanup may be called more than once.
func (r *Repo) worktree(ctx context.Context, branch, base string, create bool) (*Repo, func(), error) {
	tmp, err := os.MkdirTemp("", "wattson-worktree-*")
	if err != nil {
		return nil, nil, fmt.Errorf("make worktree dir: %w", err)
	}
	dir := filepath.Join(tmp, "wt")
	args := []string{"worktree", "add", "--quiet", dir, branch}
	if create {
		args = []string{"worktree", "add", "--quiet", "-b", branch, dir, base}
	}
	if _, err := r.run(ctx, args...); err != nil {
		os.RemoveAll(tmp)
		return nil, nil, fmt.Errorf("add worktree: %w", err)
	}
	done := false
	cleanup := func() {
		if done {
			return
		}
		done = true
		_, _ = r.run(context.WithoutCancel(ctx), "worktree", "remove", "--force", dir)
		os.RemoveAll(tmp)
		_, _ = r.run(context.WithoutCancel(ctx), "worktree", "prune")
	}
	return &Repo{dir: dir, git: r.git, build: r.build, buildSet: r.buildSet}, cleanup, nil
}

// maxBuildOutput bounds the build output kept for the thread.
const maxBuildOutput = 2000

// check runs the build command in dir, or returns nil when there is none
// (no command, or the default go build in a directory without go.mod).
func (r *Repo) check(ctx context.Context, dir string) *skills.BuildResult {
	args := r.build
	if !r.buildSet {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
			return nil
		}
		args = defaultBuild
	}
	if len(args) == 0 {
		return nil
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	res := &skills.BuildResult{Command: strings.Join(args, " "), OK: err == nil}
	text := strings.TrimSpace(string(out))
	if err != nil && text == "" {
		text = err.Error()
	}
	if len(text) > maxBuildOutput {
		text = "…" + text[len(text)-maxBuildOutput:]
	}
	res.Output = text
	return res
}
