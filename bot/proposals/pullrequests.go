package proposals

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/worker"
	"github.com/wattson-dev/wattson/skills/propose"
	"github.com/wattson-dev/wattson/store"
)

// PullRequests acts on the code-host change behind a proposal: a pull
// request on GitHub, or a branch of a local clone. Every method is
// idempotent: acting twice on the same proposal changes nothing the second
// time.
type PullRequests interface {
	// Open prepares p on its code host (a draft revert or fix pull
	// request, or a local branch) and returns where it is; a change that
	// is already open is returned as it is. When the change cannot be
	// prepared automatically (a revert that conflicts), Open succeeds with
	// no URL and a Body that says why and how to do it by hand.
	Open(ctx context.Context, p store.Proposal, r store.Regression) (PRResult, error)
	// Approve marks p's change ready for review, or merges it when its
	// repository is configured to merge on approval.
	Approve(ctx context.Context, p store.Proposal) (PRResult, error)
	// Close closes p's change, saying reason.
	Close(ctx context.Context, p store.Proposal, reason string) (PRResult, error)
	// State reads where p's change is now (draft, open, branch, merged or
	// closed) without changing it, so that a change merged or closed by
	// hand on the code host is noticed.
	State(ctx context.Context, p store.Proposal) (PRResult, error)
}

// PRResult is what a code-host action left behind: the code-host router's
// outcome, as the desk stores and tells it.
type PRResult = propose.Outcome

// JobPullRequest is the queue job kind of a code-host action on a
// proposal.
const JobPullRequest = "bot.pull_request"

// The code-host actions a JobPullRequest performs.
const (
	prOpen    = "open"
	prApprove = "approve"
	prClose   = "close"
	// prCheck reads the change's state to notice a merge or close done
	// by hand (handmerge.go).
	prCheck = "check"
)

// prJob is the payload of a JobPullRequest job.
type prJob struct {
	Proposal string          `json:"proposal"`
	Action   string          `json:"action"`
	Reason   string          `json:"reason,omitempty"`
	Where    store.ThreadRef `json:"where"`
}

// prLeaseTTL bounds how long one replica may hold a proposal's code-host
// lease; a job outlives it only if it hangs.
const prLeaseTTL = 10 * time.Minute

// queuePR queues action on p's change, told in where; it queues nothing
// when there is nothing to act on (see prNote).
func (d *Desk) queuePR(ctx context.Context, where store.ThreadRef, p store.Proposal, action, reason string) error {
	if d.o.PullRequests == nil || (action != prOpen && p.PRURL == "") {
		return nil
	}
	payload, err := json.Marshal(prJob{Proposal: p.ID, Action: action, Reason: reason, Where: where})
	if err != nil {
		return fmt.Errorf("encode pull request job: %w", err)
	}
	if _, err := d.c.Store.Enqueue(ctx, JobPullRequest, payload); err != nil {
		return fmt.Errorf("queue %s of %s: %w", action, p.ID, err)
	}
	return nil
}

// prNote is the sentence telling the user what queuePR will do about
// action on p (hosted: a code host is configured); "" when nothing.
func prNote(hosted bool, p store.Proposal, action string) string {
	if !hosted || p.PRURL == "" {
		return ""
	}
	switch action {
	case prApprove:
		return " I'll act on " + p.PRURL + " and post the result here."
	case prClose:
		return " I'll close " + p.PRURL + "."
	}
	return ""
}

// sharedWith returns another proposal, still proposed or approved, whose
// change is p's (two regressions with one culprit share one revert): an
// action on p must leave that change alone. It returns "" when none.
func sharedWith(ctx context.Context, st store.Proposals, p store.Proposal) (string, error) {
	if p.PRURL == "" {
		return "", nil
	}
	for _, status := range []store.ProposalStatus{store.ProposalProposed, store.ProposalApproved} {
		ps, err := st.ListProposals(ctx, store.ListOptions{Status: string(status)})
		if err != nil {
			return "", fmt.Errorf("list %s proposals: %w", status, err)
		}
		for _, o := range ps {
			if o.ID != p.ID && o.PRURL == p.PRURL && o.Repo == p.Repo {
				return o.ID, nil
			}
		}
	}
	return "", nil
}

// RunPullRequest is the worker side of a JobPullRequest job. One replica
// at a time acts on a proposal (a lease), an action already done (audited
// as "pr.<action>") is not done again, and a failure is told in the thread
// and returned so the job is retried. A check (prCheck) only reads the
// change and is handled by runPRCheck.
func (d *Desk) RunPullRequest(ctx context.Context, j store.Job) error {
	var pj prJob
	if err := json.Unmarshal(j.Payload, &pj); err != nil {
		return fmt.Errorf("decode pull request job: %w", err)
	}
	if pj.Action == prCheck {
		return d.runPRCheck(ctx, pj.Proposal)
	}
	release, ok, err := d.c.Lease(ctx, "bot/pr/"+pj.Proposal, prLeaseTTL)
	if err != nil {
		return fmt.Errorf("%s %s: lease: %w", pj.Action, pj.Proposal, err)
	}
	if !ok {
		return fmt.Errorf("%s %s: another replica is acting on it", pj.Action, pj.Proposal)
	}
	defer release()
	p, err := d.c.Store.GetProposal(ctx, pj.Proposal)
	if err != nil {
		return fmt.Errorf("%s %s: %w", pj.Action, pj.Proposal, err)
	}
	if slices.Contains(p.Done, pj.Action) || slices.Contains(p.Done, prCheck) {
		return nil // done already, or decided by hand on the code host
	}
	r, err := d.c.ProposalRegression(ctx, *p)
	if err != nil {
		return err
	}
	var res PRResult
	switch pj.Action {
	case prOpen:
		res, err = d.o.PullRequests.Open(ctx, *p, r)
	case prApprove:
		res, err = d.o.PullRequests.Approve(ctx, *p)
	case prClose:
		res, err = d.o.PullRequests.Close(ctx, *p, pj.Reason)
	default:
		return fmt.Errorf("run pull request job: unknown action %q", pj.Action)
	}
	if err != nil {
		tellPRFailure(ctx, d.c, d.log, pj, *p, res, j.Attempts, err)
		if pj.Action == prOpen && j.Attempts >= worker.MaxRetries {
			// Out of retries: offer the proposal as text, as without a code host.
			if serr := d.Show(ctx, *p, pj.Where); serr != nil {
				d.log.WarnContext(ctx, "proposal not shown", "proposal", p.ID, "err", serr)
			}
		}
		return fmt.Errorf("%s %s on the code host: %w", pj.Action, p.ID, err)
	}
	if err := d.recordPR(ctx, p, res, pj.Action); err != nil {
		return err
	}
	if pj.Action == prOpen {
		if len(res.Notes) > 0 {
			d.c.Post(ctx, pj.Where, bot.Message{Text: p.ID + ": " + strings.Join(res.Notes, " · ")})
		}
		return d.Show(ctx, *p, pj.Where)
	}
	tellPR(ctx, d.c, pj.Where, *p, res)
	return nil
}

// recordPR stores what a code-host action did to p (its URL, its body, a
// merge) and audits it; *p is the proposal as stored.
func (d *Desk) recordPR(ctx context.Context, p *store.Proposal, res PRResult, action string) error {
	merged := false
	fresh, err := store.ChangeProposal(ctx, d.c.Store, p.ID, func(p *store.Proposal) error {
		merged = false
		if res.URL != "" {
			p.PRURL, p.PRNumber = res.URL, res.Number
		}
		if res.Commit != "" {
			p.PRHead = res.Commit
		}
		if res.Repo != "" && p.Repo == "" {
			p.Repo = res.Repo
		}
		if res.Body != "" {
			p.Body = res.Body
		}
		if res.State == "merged" && p.Status == store.ProposalApproved {
			p.Status = store.ProposalMerged
		}
		if res.State == "merged" && p.MergedAt.IsZero() {
			p.MergedAt, merged = res.MergedAt.UTC(), true
			if res.MergedAt.IsZero() {
				p.MergedAt = d.c.Now().UTC()
			}
		}
		if !slices.Contains(p.Done, action) {
			p.Done = append(p.Done, action)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record %s of %s: %w", action, p.ID, err)
	}
	*p = *fresh
	if merged {
		d.observeMerge(ctx, *p)
	}
	detail := strings.TrimSpace(res.State + " " + res.URL)
	if err := d.c.Audit(ctx, bot.Event{}, "pr."+action, p.ID, detail, true); err != nil {
		return err
	}
	return nil
}

// tellPR posts the state of p's change in the thread.
func tellPR(ctx context.Context, c *bot.Core, where store.ThreadRef, p store.Proposal, res PRResult) {
	what := map[string]string{"draft": "is a draft", "open": "is ready for review", "merged": "is merged",
		"closed": "is closed", "branch": "is on a local branch"}[res.State]
	switch {
	case what != "":
	case res.State == "":
		what = "has no state on the code host yet"
	default:
		what = "is " + res.State
	}
	url := res.URL
	if url == "" {
		url = p.PRURL
	}
	m := bot.Message{Text: fmt.Sprintf("%s: %s %s.", p.ID, url, what), Footer: strings.Join(res.Notes, " · ")}
	c.Post(ctx, where, m)
}

// tellPRFailure says in the thread that a code-host action failed and
// whether it will be tried again.
func tellPRFailure(ctx context.Context, c *bot.Core, log *slog.Logger, pj prJob, p store.Proposal, res PRResult, attempt int, err error) {
	text := bot.PublicText(ctx, log.With("proposal", p.ID, "action", pj.Action), err)
	m := bot.Message{Text: fmt.Sprintf("Could not %s %s on the code host (attempt %d of %d). %s", pj.Action, p.ID, attempt, worker.MaxRetries, text)}
	if attempt < worker.MaxRetries {
		m.Text += " I'll try again in a few minutes."
	}
	m.Footer = strings.Join(res.Notes, " · ")
	c.Post(ctx, pj.Where, m)
}

// observeMerge records the time to mitigate of p's regression, now that
// p's change merged.
func (d *Desk) observeMerge(ctx context.Context, p store.Proposal) {
	if r, err := d.c.ProposalRegression(ctx, p); err == nil && r.ID != "" {
		d.c.ObserveResponse(bot.StageMitigate, r, p.MergedAt)
	}
}
