// Package gitlocal is a CodeHost over a local git clone, driven through the
// git command-line tool.
package gitlocal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/wattson-dev/wattson/skills"
)

// Repo is a local git repository.
type Repo struct {
	dir string
	git string
	// build is the command that checks a prepared change; buildSet says
	// whether WithBuild chose it (otherwise go build ./... when there is a
	// go.mod).
	build    []string
	buildSet bool
}

var _ skills.CodeHost = (*Repo)(nil)

// New returns the repository at dir. It does no I/O: a missing repository
// shows up as an error from the first call.
func New(dir string) *Repo {
	return &Repo{dir: dir, git: "git"}
}

// Clone clones src (a path, URL or bundle) into dst and returns the clone.
func Clone(ctx context.Context, src, dst string) (*Repo, error) {
	cmd := exec.CommandContext(ctx, "git", "clone", "--quiet", src, dst)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("clone %s: %s: %w", src, strings.TrimSpace(stderr.String()), err)
	}
	return New(dst), nil
}

// run runs git in the repository and returns its standard output.
func (r *Repo) run(ctx context.Context, args ...string) ([]byte, error) {
	full := append([]string{"-C", r.dir, "-c", "core.quotePath=false"}, args...)
	cmd := exec.CommandContext(ctx, r.git, full...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if ctx.Err() != nil {
			return nil, fmt.Errorf("git %s: %w", args[0], ctx.Err())
		}
		if msg == "" {
			return nil, fmt.Errorf("git %s: %w", args[0], err)
		}
		return nil, fmt.Errorf("git %s: %s: %w", args[0], msg, err)
	}
	return stdout.Bytes(), nil
}

// Resolve returns the full sha of rev, or skills.ErrUnknownRevision.
func (r *Repo) Resolve(ctx context.Context, rev string) (string, error) {
	if strings.HasPrefix(rev, "-") {
		return "", fmt.Errorf("resolve %q: %w", rev, skills.ErrUnknownRevision)
	}
	out, err := r.run(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}")
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && ctx.Err() == nil {
			if _, statErr := r.run(ctx, "rev-parse", "--git-dir"); statErr != nil {
				return "", fmt.Errorf("open repository %s: %w", r.dir, statErr)
			}
			return "", fmt.Errorf("resolve %q: %w", rev, skills.ErrUnknownRevision)
		}
		return "", fmt.Errorf("resolve %q: %w", rev, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// ReadFile returns path at rev, or skills.ErrNotFound.
func (r *Repo) ReadFile(ctx context.Context, rev, path string) ([]byte, error) {
	sha, err := r.Resolve(ctx, rev)
	if err != nil {
		return nil, err
	}
	if _, err := r.run(ctx, "cat-file", "-e", sha+":"+path); err != nil {
		return nil, fmt.Errorf("read %s at %s: %w", path, rev, skills.ErrNotFound)
	}
	out, err := r.run(ctx, "cat-file", "blob", sha+":"+path)
	if err != nil {
		return nil, fmt.Errorf("read %s at %s: %w", path, rev, err)
	}
	return out, nil
}

// Changes returns the first-parent commits in from..to, oldest first, with
// their patches (renames detected).
func (r *Repo) Changes(ctx context.Context, from, to string) ([]skills.Change, error) {
	f, err := r.Resolve(ctx, from)
	if err != nil {
		return nil, err
	}
	t, err := r.Resolve(ctx, to)
	if err != nil {
		return nil, err
	}
	out, err := r.run(ctx, "log", "--first-parent", "--reverse", "-M", "--no-color", "--no-ext-diff",
		"--diff-merges=first-parent", "-p", "--format="+logFormat, f+".."+t)
	if err != nil {
		return nil, fmt.Errorf("list changes: %w", err)
	}
	return parseLog(out)
}
