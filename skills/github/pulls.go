package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	gh "github.com/google/go-github/v62/github"

	"github.com/wattson-dev/wattson/skills"
)

// Revert prepares the revert of req.Commit as a draft pull request. A
// commit that a merged pull request landed is reverted with GitHub's own
// revertPullRequest mutation; any other (or when GitHub cannot revert the
// pull request) gets a revert commit built with the Git Data API on
// skills.RevertBranch(commit). A file the commit touched that changed
// since makes a *skills.ConflictError. An open pull request from an
// earlier call is returned as it is. The commit's author and
// req.Reviewers are asked for review where GitHub allows.
func (h *Host) Revert(ctx context.Context, req skills.RevertRequest) (skills.PullRequest, error) {
	ctx, n := withNotes(ctx)
	pr, err := h.revert(ctx, req)
	pr.Notes = append(n.all(), pr.Notes...)
	return pr, err
}

func (h *Host) revert(ctx context.Context, req skills.RevertRequest) (skills.PullRequest, error) {
	base, err := h.base(ctx, req.Base)
	if err != nil {
		return skills.PullRequest{}, err
	}
	branch := skills.RevertBranch(req.Commit)
	if pr, ok, err := h.openPR(ctx, branch); err != nil || ok {
		return pr, err
	}
	full, _, err := h.c.Repositories.GetCommit(ctx, h.owner, h.repo, req.Commit, &gh.ListOptions{PerPage: 300})
	if err != nil {
		return skills.PullRequest{}, fmt.Errorf("get commit %s: %w", req.Commit, mapErr(err, skills.ErrUnknownRevision))
	}
	reviewers := append([]string{full.GetAuthor().GetLogin()}, req.Reviewers...)
	if pr, ok := h.revertMergedPR(ctx, req); ok {
		h.requestReview(ctx, &pr, reviewers)
		return pr, nil
	}
	head, err := h.revertCommit(ctx, req, base, full)
	if err != nil {
		return skills.PullRequest{}, err
	}
	if err := h.setBranch(ctx, branch, head); err != nil {
		return skills.PullRequest{}, err
	}
	pr, err := h.createPR(ctx, branch, base, req.Title, req.Body)
	if err != nil {
		return skills.PullRequest{}, err
	}
	pr.Commit = head
	h.requestReview(ctx, &pr, reviewers)
	return pr, nil
}

// revertMergedPR reverts the merged pull request that landed commit, when
// there is one and GitHub can revert it.
func (h *Host) revertMergedPR(ctx context.Context, req skills.RevertRequest) (skills.PullRequest, bool) {
	prs, _, err := h.c.PullRequests.ListPullRequestsWithCommit(ctx, h.owner, h.repo, req.Commit, nil)
	if err != nil {
		return skills.PullRequest{}, false
	}
	for _, p := range prs {
		if p.MergedAt == nil || p.GetMergeCommitSHA() != req.Commit {
			continue
		}
		var out struct {
			RevertPullRequest struct {
				RevertPullRequest gqlPR `json:"revertPullRequest"`
			} `json:"revertPullRequest"`
		}
		vars := map[string]any{"id": p.GetNodeID(), "title": req.Title, "body": req.Body}
		if err := h.graphQL(ctx, revertMutation, vars, &out); err != nil {
			note(ctx, fmt.Sprintf("GitHub could not revert pull request #%d itself (%v); built the revert commit instead", p.GetNumber(), err))
			return skills.PullRequest{}, false
		}
		r := out.RevertPullRequest.RevertPullRequest
		return skills.PullRequest{URL: r.URL, Number: r.Number, Branch: r.HeadRefName, Base: r.BaseRefName, State: skills.StateDraft}, true
	}
	return skills.PullRequest{}, false
}

// openPR returns the open pull request from branch, if there is one.
func (h *Host) openPR(ctx context.Context, branch string) (skills.PullRequest, bool, error) {
	prs, _, err := h.c.PullRequests.List(ctx, h.owner, h.repo, &gh.PullRequestListOptions{Head: h.owner + ":" + branch, State: "open"})
	if err != nil {
		return skills.PullRequest{}, false, fmt.Errorf("list pull requests from %s: %w", branch, err)
	}
	if len(prs) == 0 {
		return skills.PullRequest{}, false, nil
	}
	return toPR(prs[0]), true, nil
}

// base returns base, or the repository's default branch.
func (h *Host) base(ctx context.Context, base string) (string, error) {
	if base != "" {
		return base, nil
	}
	repo, _, err := h.c.Repositories.Get(ctx, h.owner, h.repo)
	if err != nil {
		return "", fmt.Errorf("get repository %s/%s: %w", h.owner, h.repo, err)
	}
	return repo.GetDefaultBranch(), nil
}

// setBranch points branch at sha, creating it or moving it.
func (h *Host) setBranch(ctx context.Context, branch, sha string) error {
	ref := &gh.Reference{Ref: gh.String("refs/heads/" + branch), Object: &gh.GitObject{SHA: gh.String(sha)}}
	_, _, err := h.c.Git.CreateRef(ctx, h.owner, h.repo, ref)
	if status(err) == http.StatusUnprocessableEntity {
		_, _, err = h.c.Git.UpdateRef(ctx, h.owner, h.repo, ref, true)
	}
	if err != nil {
		return fmt.Errorf("set branch %s: %w", branch, err)
	}
	return nil
}

// createPR opens a draft pull request, or returns the one already open
// from branch (as after a retried create).
func (h *Host) createPR(ctx context.Context, branch, base, title, body string) (skills.PullRequest, error) {
	p, _, err := h.c.PullRequests.Create(ctx, h.owner, h.repo, &gh.NewPullRequest{Title: &title, Head: &branch, Base: &base, Body: &body, Draft: gh.Bool(true)})
	if status(err) == http.StatusUnprocessableEntity {
		if pr, ok, lerr := h.openPR(ctx, branch); lerr == nil && ok {
			return pr, nil
		}
	}
	if err != nil {
		return skills.PullRequest{}, fmt.Errorf("create pull request from %s: %w", branch, err)
	}
	return toPR(p), nil
}

// requestReview asks reviewers (empty names skipped) for review; what
// GitHub refuses becomes a note.
func (h *Host) requestReview(ctx context.Context, pr *skills.PullRequest, reviewers []string) {
	var names []string
	seen := map[string]bool{}
	for _, r := range reviewers {
		if r != "" && !seen[r] {
			seen[r] = true
			names = append(names, r)
		}
	}
	if len(names) == 0 || pr.Number == 0 {
		return
	}
	if _, _, err := h.c.PullRequests.RequestReviewers(ctx, h.owner, h.repo, pr.Number, gh.ReviewersRequest{Reviewers: names}); err != nil {
		pr.Notes = append(pr.Notes, fmt.Sprintf("could not ask %v for review: %s", names, errMessage(err)))
	}
}

// toPR converts a GitHub pull request.
func toPR(p *gh.PullRequest) skills.PullRequest {
	pr := skills.PullRequest{URL: p.GetHTMLURL(), Number: p.GetNumber(), Branch: p.GetHead().GetRef(), Base: p.GetBase().GetRef(),
		Commit: p.GetHead().GetSHA(), State: skills.StateOpen}
	switch {
	case p.GetMerged() || p.MergedAt != nil:
		pr.State = skills.StateMerged
		pr.MergedAt, pr.MergedBy = p.GetMergedAt().Time, p.GetMergedBy().GetLogin()
	case p.GetState() == "closed":
		pr.State = skills.StateClosed
	case p.GetDraft():
		pr.State = skills.StateDraft
	}
	return pr
}

// status is the HTTP status of a go-github error, or 0.
func status(err error) int {
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode
	}
	return 0
}

// errMessage is GitHub's message for err, without request details.
func errMessage(err error) string {
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Message != "" {
		return er.Message
	}
	return err.Error()
}
