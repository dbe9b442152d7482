package propose

import (
	"context"

	"github.com/wattson-dev/wattson/skills"
)

// Preparer prepares changes for review on a code host.
type Preparer interface {
	// Revert prepares the revert of one commit; a revert that does not
	// apply is a *skills.ConflictError.
	Revert(ctx context.Context, req skills.RevertRequest) (skills.PullRequest, error)
	// Fix prepares a change made of file edits.
	Fix(ctx context.Context, req skills.FixRequest) (skills.PullRequest, error)
}

// Actor acts on a prepared change once a human decided.
type Actor interface {
	// Ready marks a draft ready for review.
	Ready(ctx context.Context, pr skills.PullRequest) (skills.PullRequest, error)
	// Merge merges it.
	Merge(ctx context.Context, pr skills.PullRequest) (skills.PullRequest, error)
	// Close closes it without merging, saying reason.
	Close(ctx context.Context, pr skills.PullRequest, reason string) (skills.PullRequest, error)
}
