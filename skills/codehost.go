package skills

import (
	"context"
	"errors"
	"time"
)

// ErrUnknownRevision reports a revision the code host does not have.
var ErrUnknownRevision = errors.New("unknown revision")

// ErrNotFound reports a file that does not exist at a revision.
var ErrNotFound = errors.New("not found")

// CodeHost is where the service's source lives: a local git clone or a
// GitHub repository.
type CodeHost interface {
	// Changes returns the commits reachable from to and not from from,
	// following first parents, oldest first, each with its changed files
	// and their patches.
	Changes(ctx context.Context, from, to string) ([]Change, error)
	// ReadFile returns the content of path at revision rev; a missing file
	// is ErrNotFound.
	ReadFile(ctx context.Context, rev, path string) ([]byte, error)
}

// Change is one commit.
type Change struct {
	// SHA is the full commit id.
	SHA string `json:"sha"`
	// Author is the author's name; Email their address.
	Author string `json:"author"`
	Email  string `json:"email,omitempty"`
	// AuthorTime is when the change was written; CommitTime when it landed.
	AuthorTime time.Time `json:"author_time"`
	CommitTime time.Time `json:"commit_time"`
	// Title is the first line of the message.
	Title string `json:"title"`
	// Files are the files the commit changed.
	Files []FileChange `json:"files"`
}

// FileChange is one file changed by a commit.
type FileChange struct {
	// Path is the file's path after the commit; OldPath before it (equal
	// unless renamed; empty when added).
	Path    string `json:"path"`
	OldPath string `json:"old_path,omitempty"`
	// Status is added, modified, removed or renamed.
	Status string `json:"status"`
	// Additions and Deletions count changed lines.
	Additions int `json:"additions"`
	Deletions int `json:"deletions"`
	// Patch is the unified diff of the file: hunks only, starting at the
	// first "@@" line, as GitHub serves it. Empty for binary files.
	Patch string `json:"patch,omitempty"`
}
