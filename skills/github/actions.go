package github

import (
	"context"
	"fmt"

	gh "github.com/google/go-github/v62/github"

	"github.com/wattson-dev/wattson/skills"
)

// Ready marks the draft pull request pr.Number ready for review (GraphQL
// markPullRequestReadyForReview). A pull request that is not a draft is
// returned as it is.
func (h *Host) Ready(ctx context.Context, pr skills.PullRequest) (skills.PullRequest, error) {
	ctx, n := withNotes(ctx)
	out, err := h.ready(ctx, pr)
	out.Notes = n.all()
	return out, err
}

func (h *Host) ready(ctx context.Context, pr skills.PullRequest) (skills.PullRequest, error) {
	p, _, err := h.c.PullRequests.Get(ctx, h.owner, h.repo, pr.Number)
	if err != nil {
		return pr, fmt.Errorf("get pull request #%d: %w", pr.Number, err)
	}
	cur := toPR(p)
	if cur.State != skills.StateDraft {
		return cur, nil
	}
	var out struct {
		Mark struct {
			PullRequest struct {
				IsDraft bool `json:"isDraft"`
			} `json:"pullRequest"`
		} `json:"markPullRequestReadyForReview"`
	}
	if err := h.graphQL(ctx, readyMutation, map[string]any{"id": p.GetNodeID()}, &out); err != nil {
		return cur, fmt.Errorf("mark pull request #%d ready: %w", pr.Number, err)
	}
	cur.State = skills.StateOpen
	return cur, nil
}

// Merge merges pull request pr.Number (marking a draft ready first). A
// merged pull request is returned as it is.
func (h *Host) Merge(ctx context.Context, pr skills.PullRequest) (skills.PullRequest, error) {
	ctx, n := withNotes(ctx)
	out, err := h.merge(ctx, pr)
	out.Notes = n.all()
	return out, err
}

func (h *Host) merge(ctx context.Context, pr skills.PullRequest) (skills.PullRequest, error) {
	cur, err := h.ready(ctx, pr)
	if err != nil || cur.State == skills.StateMerged {
		return cur, err
	}
	if cur.State == skills.StateClosed {
		return cur, fmt.Errorf("merge pull request #%d: it is closed", pr.Number)
	}
	res, _, err := h.c.PullRequests.Merge(ctx, h.owner, h.repo, pr.Number, "", &gh.PullRequestOptions{MergeMethod: "merge"})
	if err != nil {
		return cur, fmt.Errorf("merge pull request #%d: %s: %w", pr.Number, errMessage(err), err)
	}
	if !res.GetMerged() {
		return cur, fmt.Errorf("merge pull request #%d: %s", pr.Number, res.GetMessage())
	}
	cur.State, cur.Commit = skills.StateMerged, res.GetSHA()
	return cur, nil
}

// Close comments reason on pull request pr.Number and closes it. A pull
// request already closed or merged is returned as it is.
func (h *Host) Close(ctx context.Context, pr skills.PullRequest, reason string) (skills.PullRequest, error) {
	ctx, n := withNotes(ctx)
	out, err := h.close(ctx, pr, reason)
	out.Notes = n.all()
	return out, err
}

func (h *Host) close(ctx context.Context, pr skills.PullRequest, reason string) (skills.PullRequest, error) {
	p, _, err := h.c.PullRequests.Get(ctx, h.owner, h.repo, pr.Number)
	if err != nil {
		return pr, fmt.Errorf("get pull request #%d: %w", pr.Number, err)
	}
	cur := toPR(p)
	if cur.State == skills.StateClosed || cur.State == skills.StateMerged {
		return cur, nil
	}
	if reason != "" {
		if _, _, err := h.c.Issues.CreateComment(ctx, h.owner, h.repo, pr.Number, &gh.IssueComment{Body: gh.String(reason)}); err != nil {
			return cur, fmt.Errorf("comment on pull request #%d: %w", pr.Number, err)
		}
	}
	if _, _, err := h.c.PullRequests.Edit(ctx, h.owner, h.repo, pr.Number, &gh.PullRequest{State: gh.String("closed")}); err != nil {
		return cur, fmt.Errorf("close pull request #%d: %w", pr.Number, err)
	}
	cur.State = skills.StateClosed
	return cur, nil
}

// State reads pull request pr.Number as it is now and changes nothing: a
// draft, open, merged (with who merged it and when) or closed without
// merging (with who closed it and when, read from its issue). Rate limits and server errors are retried as for every call;
// what is left of them is the error.
func (h *Host) State(ctx context.Context, pr skills.PullRequest) (skills.PullRequest, error) {
	if pr.Number <= 0 {
		return pr, fmt.Errorf("read pull request %q: no pull request number", pr.URL)
	}
	ctx, n := withNotes(ctx)
	p, _, err := h.c.PullRequests.Get(ctx, h.owner, h.repo, pr.Number)
	if err != nil {
		pr.Notes = n.all()
		return pr, fmt.Errorf("read pull request #%d of %s/%s: %w", pr.Number, h.owner, h.repo, err)
	}
	cur := toPR(p)
	if cur.State == skills.StateClosed {
		// The pulls API does not say who closed a pull request; its
		// issue does. Without it the close still stands.
		if is, _, err := h.c.Issues.Get(ctx, h.owner, h.repo, pr.Number); err == nil {
			cur.ClosedBy = is.GetClosedBy().GetLogin()
			if t := is.GetClosedAt(); !t.IsZero() {
				cur.ClosedAt = t.Time
			}
		} else {
			note(ctx, fmt.Sprintf("Could not read who closed #%d: %s.", pr.Number, errMessage(err)))
		}
	}
	cur.Notes = n.all()
	return cur, nil
}
