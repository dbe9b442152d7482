package github

import (
	"context"
	"encoding/base64"
	"fmt"
	"sort"

	gh "github.com/google/go-github/v62/github"

	"github.com/wattson-dev/wattson/skills"
)

// treeFiles maps a path to its blob entry in a recursive tree.
type treeFiles map[string]*gh.TreeEntry

// files lists the blobs of tree sha, recursively.
func (h *Host) files(ctx context.Context, sha string) (treeFiles, error) {
	t, _, err := h.c.Git.GetTree(ctx, h.owner, h.repo, sha, true)
	if err != nil {
		return nil, fmt.Errorf("get tree %s: %w", sha, err)
	}
	if t.GetTruncated() {
		return nil, fmt.Errorf("get tree %s: too large for one listing", sha)
	}
	out := treeFiles{}
	for _, e := range t.Entries {
		if e.GetType() == "blob" {
			out[e.GetPath()] = e
		}
	}
	return out, nil
}

// revertCommit builds, on top of base's head, a commit that puts back
// every file culprit touched as it was before culprit, and returns its
// sha. A touched file that changed between culprit and base's head is a
// conflict.
func (h *Host) revertCommit(ctx context.Context, req skills.RevertRequest, base string, culprit *gh.RepositoryCommit) (string, error) {
	c, _, err := h.c.Git.GetCommit(ctx, h.owner, h.repo, culprit.GetSHA())
	if err != nil {
		return "", fmt.Errorf("get commit %s: %w", culprit.GetSHA(), err)
	}
	if len(c.Parents) != 1 {
		return "", fmt.Errorf("revert %s: a commit with %d parents; revert it by hand", culprit.GetSHA(), len(c.Parents))
	}
	parent, _, err := h.c.Git.GetCommit(ctx, h.owner, h.repo, c.Parents[0].GetSHA())
	if err != nil {
		return "", fmt.Errorf("get commit %s: %w", c.Parents[0].GetSHA(), err)
	}
	ref, _, err := h.c.Git.GetRef(ctx, h.owner, h.repo, "heads/"+base)
	if err != nil {
		return "", fmt.Errorf("get branch %s: %w", base, err)
	}
	headSHA := ref.GetObject().GetSHA()
	head, _, err := h.c.Git.GetCommit(ctx, h.owner, h.repo, headSHA)
	if err != nil {
		return "", fmt.Errorf("get commit %s: %w", headSHA, err)
	}
	before, err := h.files(ctx, parent.GetTree().GetSHA())
	if err != nil {
		return "", err
	}
	after, err := h.files(ctx, c.GetTree().GetSHA())
	if err != nil {
		return "", err
	}
	now, err := h.files(ctx, head.GetTree().GetSHA())
	if err != nil {
		return "", err
	}
	touched := map[string]bool{}
	for _, f := range culprit.Files {
		touched[f.GetFilename()] = true
		if f.GetPreviousFilename() != "" {
			touched[f.GetPreviousFilename()] = true
		}
	}
	paths := make([]string, 0, len(touched))
	for p := range touched {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var conflicts []string
	var entries []*gh.TreeEntry
	for _, p := range paths {
		if blobSHA(after[p]) != blobSHA(now[p]) {
			conflicts = append(conflicts, p)
			continue
		}
		if old, ok := before[p]; ok {
			entries = append(entries, &gh.TreeEntry{Path: gh.String(p), Mode: old.Mode, Type: gh.String("blob"), SHA: old.SHA})
		} else if _, ok := now[p]; ok {
			entries = append(entries, &gh.TreeEntry{Path: gh.String(p), Mode: gh.String("100644"), Type: gh.String("blob")}) // delete
		}
	}
	if len(conflicts) > 0 {
		return "", &skills.ConflictError{Commit: culprit.GetSHA(), Files: conflicts}
	}
	msg := req.Title
	if msg == "" {
		msg = "Revert " + culprit.GetSHA()
	}
	msg += "\n\nThis reverts commit " + culprit.GetSHA() + "."
	return h.commit(ctx, head, entries, msg)
}

// commit writes entries over parent's tree and commits the result on
// parent.
func (h *Host) commit(ctx context.Context, parent *gh.Commit, entries []*gh.TreeEntry, msg string) (string, error) {
	tree, _, err := h.c.Git.CreateTree(ctx, h.owner, h.repo, parent.GetTree().GetSHA(), entries)
	if err != nil {
		return "", fmt.Errorf("create tree: %w", err)
	}
	c, _, err := h.c.Git.CreateCommit(ctx, h.owner, h.repo, &gh.Commit{Message: &msg, Tree: tree, Parents: []*gh.Commit{{SHA: parent.SHA}}}, nil)
	if err != nil {
		return "", fmt.Errorf("create commit: %w", err)
	}
	return c.GetSHA(), nil
}

func blobSHA(e *gh.TreeEntry) string {
	if e == nil {
		return ""
	}
	return e.GetSHA()
}

// Fix prepares req.Files as a draft pull request from req.Branch: blobs,
// a tree over the base's head, a commit and the branch, all with the Git
// Data API. An open pull request from the branch is returned as it is.
func (h *Host) Fix(ctx context.Context, req skills.FixRequest) (skills.PullRequest, error) {
	ctx, n := withNotes(ctx)
	pr, err := h.fix(ctx, req)
	pr.Notes = append(n.all(), pr.Notes...)
	return pr, err
}

func (h *Host) fix(ctx context.Context, req skills.FixRequest) (skills.PullRequest, error) {
	base, err := h.base(ctx, req.Base)
	if err != nil {
		return skills.PullRequest{}, err
	}
	if pr, ok, err := h.openPR(ctx, req.Branch); err != nil || ok {
		return pr, err
	}
	ref, _, err := h.c.Git.GetRef(ctx, h.owner, h.repo, "heads/"+base)
	if err != nil {
		return skills.PullRequest{}, fmt.Errorf("get branch %s: %w", base, err)
	}
	head, _, err := h.c.Git.GetCommit(ctx, h.owner, h.repo, ref.GetObject().GetSHA())
	if err != nil {
		return skills.PullRequest{}, fmt.Errorf("get commit %s: %w", ref.GetObject().GetSHA(), err)
	}
	var entries []*gh.TreeEntry
	for _, f := range req.Files {
		e := &gh.TreeEntry{Path: gh.String(f.Path), Mode: gh.String("100644"), Type: gh.String("blob")}
		if !f.Delete {
			b, _, err := h.c.Git.CreateBlob(ctx, h.owner, h.repo, &gh.Blob{Content: gh.String(base64.StdEncoding.EncodeToString(f.Content)), Encoding: gh.String("base64")})
			if err != nil {
				return skills.PullRequest{}, fmt.Errorf("create blob for %s: %w", f.Path, err)
			}
			e.SHA = b.SHA
		}
		entries = append(entries, e)
	}
	sha, err := h.commit(ctx, head, entries, req.Title)
	if err != nil {
		return skills.PullRequest{}, err
	}
	if err := h.setBranch(ctx, req.Branch, sha); err != nil {
		return skills.PullRequest{}, err
	}
	pr, err := h.createPR(ctx, req.Branch, base, req.Title, req.Body)
	if err != nil {
		return skills.PullRequest{}, err
	}
	pr.Commit = sha
	h.requestReview(ctx, &pr, req.Reviewers)
	return pr, nil
}
