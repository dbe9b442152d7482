package propose

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/skills"
)

// Host is a code host that prepares changes, acts on them and reads their
// state: *gitlocal.Repo and *github.Host.
type Host interface {
	Preparer
	Actor
	// State reads where a change is now without changing it.
	State(ctx context.Context, pr skills.PullRequest) (skills.PullRequest, error)
}

// Kind is what a change does.
type Kind string

// Kinds of change.
const (
	// KindRevert reverts a culprit commit.
	KindRevert Kind = "revert"
	// KindFix is a fix, prepared with its pull request already made.
	KindFix Kind = "fix"
)

// Change is a proposed change as its code host sees it: what to prepare,
// or the pull request (or local branch) prepared for it.
type Change struct {
	// ID is the proposal's id ("P-7"), for errors and logs.
	ID string
	// Kind is revert or fix; Target the commit a revert reverts.
	Kind   Kind
	Target string
	// Title and Body are the proposal's; a revert's body is kept as a
	// note of its pull request's description.
	Title, Body string
	// Repo names the repository ("owner/name", or a local clone's path);
	// empty means Service's, else the fallback.
	Repo    string
	Service string
	// URL, Number and Head are the prepared pull request: its link (a
	// local branch's name), number (0 for a branch) and head commit.
	URL    string
	Number int
	Head   string
	// Evidence is what a revert's description tells the reviewer.
	Evidence Evidence
}

// Outcome is what a code-host action left behind.
type Outcome struct {
	// URL links to the pull request (a branch name for a local clone);
	// empty when nothing could be opened.
	URL string
	// Number is the pull request number; 0 for a local branch.
	Number int
	// Commit is the change's head commit, when known.
	Commit string
	// Repo names the repository the change is in.
	Repo string
	// State is draft, open, merged, closed or branch.
	State string
	// MergedAt is when the change merged, ClosedAt when it was closed
	// without merging, and By who merged or closed it (a code-host
	// login), when the host says.
	MergedAt time.Time
	ClosedAt time.Time
	By       string
	// Body replaces the proposal's body when not empty: the text of a
	// revert that could not be prepared.
	Body string
	// Notes are told in the thread: retries after rate limits or server
	// errors, reviewers that could not be asked, the build check.
	Notes []string
}

// Hosts routes changes to the code hosts of their repositories: each
// service's local clone or GitHub repository. It is safe for concurrent
// use when its hosts are.
type Hosts struct {
	// Repos are the code hosts by repository: "owner/name" or a clone's
	// path.
	Repos map[string]Host
	// ByService names each service's repository.
	ByService map[string]string
	// Fallback is the repository of a service with none configured.
	Fallback string
	// MergeOnApprove merges a change on approval instead of marking it
	// ready for review.
	MergeOnApprove bool
	// Merging are repositories whose changes merge on approval whatever
	// MergeOnApprove says: local clones, which have no review step.
	Merging map[string]bool
	// Log receives what was prepared; nil discards it.
	Log *slog.Logger
}

// host returns the code host of c (by its repository, else its service's,
// else the fallback) and the repository's name.
func (h *Hosts) host(c Change) (Host, string, error) {
	name := c.Repo
	if name == "" {
		name = h.ByService[c.Service]
	}
	if name == "" {
		name = h.Fallback
	}
	host, ok := h.Repos[name]
	if !ok {
		return nil, "", fmt.Errorf("find code host of %s: no repository configured for service %q", c.ID, c.Service)
	}
	return host, name, nil
}

// Open prepares c: a revert of c.Target as a draft pull request or local
// branch. A fix arrives with its pull request already made (propose_fix),
// so only its link is kept, as is a change already opened. A revert that
// conflicts is not an error: its Outcome has no URL and a Body with the
// manual `git revert`.
func (h *Hosts) Open(ctx context.Context, c Change) (Outcome, error) {
	if c.URL != "" || c.Kind != KindRevert {
		return Outcome{URL: c.URL, Number: c.Number}, nil
	}
	host, name, err := h.host(c)
	if err != nil {
		return Outcome{}, err
	}
	ev := c.Evidence
	if c.Body != "" {
		ev.Notes = append(ev.Notes, c.Body)
	}
	req := skills.RevertRequest{Commit: c.Target, Title: c.Title, Body: RevertBody(c.Target, "", "", ev)}
	pr, err := host.Revert(ctx, req)
	var ce *skills.ConflictError
	if errors.As(err, &ce) {
		return Outcome{Repo: name, Body: ConflictText(c.Target, ce.Files, ev),
			Notes: []string{fmt.Sprintf("the revert conflicts in %s: proposed as text", strings.Join(ce.Files, ", "))}}, nil
	}
	if err != nil {
		return Outcome{Notes: pr.Notes}, fmt.Errorf("open revert of %s: %w", c.Target, err)
	}
	h.log().InfoContext(ctx, "change prepared", "proposal", c.ID, "url", pr.URL, "state", pr.State)
	return outcome(pr, name), nil
}

// Approve marks c's change ready for review, or merges it with
// MergeOnApprove or when its repository is Merging.
func (h *Hosts) Approve(ctx context.Context, c Change) (Outcome, error) {
	host, name, err := h.host(c)
	if err != nil {
		return Outcome{}, err
	}
	pr := pullRequest(c)
	if h.MergeOnApprove || h.Merging[name] {
		pr, err = host.Merge(ctx, pr)
	} else {
		pr, err = host.Ready(ctx, pr)
	}
	if err != nil {
		return Outcome{Notes: pr.Notes}, fmt.Errorf("approve %s: %w", c.ID, err)
	}
	return outcome(pr, name), nil
}

// Close closes c's change, saying reason ("Rejected in Wattson." when
// empty).
func (h *Hosts) Close(ctx context.Context, c Change, reason string) (Outcome, error) {
	host, name, err := h.host(c)
	if err != nil {
		return Outcome{}, err
	}
	if reason == "" {
		reason = "Rejected in Wattson."
	}
	pr, err := host.Close(ctx, pullRequest(c), reason)
	if err != nil {
		return Outcome{Notes: pr.Notes}, fmt.Errorf("close %s: %w", c.ID, err)
	}
	return outcome(pr, name), nil
}

// State reads where c's change is now, for a merge or close done by hand.
func (h *Hosts) State(ctx context.Context, c Change) (Outcome, error) {
	host, name, err := h.host(c)
	if err != nil {
		return Outcome{}, err
	}
	pr, err := host.State(ctx, pullRequest(c))
	if err != nil {
		return Outcome{Notes: pr.Notes}, fmt.Errorf("read state of %s: %w", c.ID, err)
	}
	return outcome(pr, name), nil
}

func (h *Hosts) log() *slog.Logger {
	if h.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.Log
}

// pullRequest is the change c points at; a local branch's URL is its name.
func pullRequest(c Change) skills.PullRequest {
	pr := skills.PullRequest{URL: c.URL, Number: c.Number, Commit: c.Head}
	if c.Number == 0 {
		pr.Branch = c.URL
	}
	return pr
}

// outcome is what a host's answer about pr in repo tells.
func outcome(pr skills.PullRequest, repo string) Outcome {
	o := Outcome{URL: pr.URL, Number: pr.Number, Commit: pr.Commit, State: string(pr.State), Repo: repo, Notes: pr.Notes,
		MergedAt: pr.MergedAt, ClosedAt: pr.ClosedAt, By: pr.MergedBy}
	if pr.State == skills.StateClosed {
		o.By = pr.ClosedBy
	}
	if b := pr.Build; b != nil {
		verdict := "passes"
		if !b.OK {
			verdict = "FAILS: " + lastLine(b.Output)
		}
		o.Notes = append(o.Notes, fmt.Sprintf("`%s` on the change %s", b.Command, verdict))
	}
	return o
}

// ThreadLink points a pull request back at the alert thread of a chat
// platform ("slack", "discord", ...): a Slack permalink, or a description
// of where the message is; empty without a message.
func ThreadLink(platform, channel, message string) string {
	switch {
	case message == "":
		return ""
	case platform == "slack":
		return "https://slack.com/archives/" + channel + "/p" + strings.ReplaceAll(message, ".", "")
	default:
		return fmt.Sprintf("%s channel %s, message %s", platform, channel, message)
	}
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
