package gitlocal

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// lock takes the clone's exclusive lock, <git dir>/wattson.lock, waiting
// for it until ctx ends, and returns the function that gives it back.
// Replicas (separate processes) that share one clone prepare branches in
// worktrees of it; two at once trip over each other ("already checked
// out"), so Revert, Fix and Merge hold this lock. It is an flock: a process that
// dies lets it go.
func (r *Repo) lock(ctx context.Context) (func(), error) {
	out, err := r.run(ctx, "rev-parse", "--git-common-dir")
	if err != nil {
		return nil, fmt.Errorf("lock clone: %w", err)
	}
	dir := strings.TrimSpace(string(out))
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(r.dir, dir)
	}
	f, err := os.OpenFile(filepath.Join(dir, "wattson.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock clone: %w", err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
				_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				f.Close()
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("lock clone: %w", err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("lock clone: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
