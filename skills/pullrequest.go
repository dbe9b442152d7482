package skills

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrConflict reports a revert or fix that cannot be applied automatically
// because the code it touches changed since.
var ErrConflict = errors.New("conflict")

// ConflictError names the files that changed since the commit to revert.
type ConflictError struct {
	// Commit is the commit that could not be reverted cleanly.
	Commit string
	// Files are the paths the commit touched that changed since.
	Files []string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("revert %s: changed since: %s", shortSHA(e.Commit), strings.Join(e.Files, ", "))
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// RevertRequest asks a code host to prepare the revert of one commit for
// review.
type RevertRequest struct {
	// Commit is the full sha of the commit to revert.
	Commit string
	// Base is the branch the revert goes onto; empty means the host's
	// default branch (a local clone's current HEAD).
	Base string
	// Title and Body describe the change for reviewers.
	Title, Body string
	// Reviewers are host user names to ask for review; the host also
	// asks the commit's author where it can tell who that is.
	Reviewers []string
}

// FileEdit is one file a fix writes or deletes.
type FileEdit struct {
	// Path is the file's path in the repository.
	Path string
	// Content is the file's new content; ignored when Delete is set.
	Content []byte
	// Delete removes the file.
	Delete bool
}

// FixRequest asks a code host to prepare a change for review.
type FixRequest struct {
	// Branch is the branch to create, such as "wattson/fix-O-3".
	Branch string
	// Base is the branch the fix goes onto; empty means the default.
	Base string
	// Title and Body describe the change; Title is also the commit
	// message.
	Title, Body string
	// Files are the edits.
	Files []FileEdit
	// Reviewers are host user names to ask for review.
	Reviewers []string
}

// PRState is where a prepared change is on its code host.
type PRState string

// The states of a prepared change.
const (
	// StateBranch is a local branch with no pull request (a local clone).
	StateBranch PRState = "branch"
	// StateDraft is a draft pull request.
	StateDraft PRState = "draft"
	// StateOpen is a pull request ready for review.
	StateOpen PRState = "open"
	// StateMerged is merged.
	StateMerged PRState = "merged"
	// StateClosed is closed without merging.
	StateClosed PRState = "closed"
)

// PullRequest is a change prepared on a code host: a pull request, or a
// branch of a local clone.
type PullRequest struct {
	// URL links to the pull request; for a local branch it is the
	// branch name.
	URL string `json:"url"`
	// Number is the pull request number; 0 for a local branch.
	Number int `json:"number,omitempty"`
	// Branch is the branch holding the change; Base the one it targets.
	Branch string `json:"branch"`
	Base   string `json:"base,omitempty"`
	// Commit is the change's head commit, when known.
	Commit string `json:"commit,omitempty"`
	// State is draft, open, merged, closed or branch.
	State PRState `json:"state"`
	// MergedAt is when it merged and MergedBy who merged it (a code-host
	// login), when the host says; zero unless State is merged.
	MergedAt time.Time `json:"merged_at,omitzero"`
	MergedBy string    `json:"merged_by,omitempty"`
	// ClosedAt is when it was closed without merging and ClosedBy who
	// closed it, when the host says; zero unless State is closed.
	ClosedAt time.Time `json:"closed_at,omitzero"`
	ClosedBy string    `json:"closed_by,omitempty"`
	// Build is the result of building the change, when it was built.
	Build *BuildResult `json:"build,omitempty"`
	// Notes are things worth telling the people in the thread: retries
	// after rate limits, reviewers that could not be asked.
	Notes []string `json:"notes,omitempty"`
}

// BuildResult is the outcome of building a prepared change.
type BuildResult struct {
	// Command is what was run, such as "go build ./...".
	Command string `json:"command"`
	// OK is whether it succeeded.
	OK bool `json:"ok"`
	// Output is the tail of the command's combined output.
	Output string `json:"output,omitempty"`
}

// RevertBranch is the branch a revert of commit sha is prepared on:
// "wattson/revert-" and the first 12 hex digits of the sha.
func RevertBranch(sha string) string {
	if len(sha) > 12 {
		sha = sha[:12]
	}
	return "wattson/revert-" + sha
}
