// Package investigator runs an investigation — the playbook, then the LLM
// agent's review when configured — over a service's skills built once at
// start-up, and turns the run into the bot's Findings: the steps, the
// ranked suspects, the verdict, the estimated cost and, for a culprit, the
// revert to propose.
//
// The bot asks through bot.Investigator; `wattson investigate` and `wattson
// eval investigate` run the same playbook through Run.
package investigator

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/agent"
	"github.com/wattson-dev/wattson/store"
)

// stepTimeout bounds a playbook step that sets no timeout of its own.
const stepTimeout = 30 * time.Second

// Service is what one service's investigations run on, built once at
// start-up from its data sources.
type Service struct {
	// Repo is the repository a revert is proposed in: "owner/name" on
	// GitHub, or a local clone's path; empty leaves it to the code-host
	// router.
	Repo string
	// RPS is the service's request rate, to estimate extra cores and
	// watts; 0 leaves them out.
	RPS float64
	// Registry holds the skills over the service's data sources.
	Registry *skills.Registry
	// Playbook is the chain of skills to run.
	Playbook skills.Playbook
	// Agent reviews the playbook's run or answers the user's question;
	// nil runs the playbook alone.
	Agent *agent.Agent
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Input is what one run is asked about.
type Input struct {
	// Service is the service investigated; Metric narrows it to one
	// series ("" means its only non-build_info series).
	Service, Metric string
	// At is a time near the change; zero means the strongest step.
	At time.Time
	// RPS is the request rate, for cores and watts; 0 leaves them out.
	RPS float64
	// Function, for a function-level regression, names the function whose
	// CPU stepped; the playbook gets it as input.function.
	Function string
	// Lookback is how far back to search without At; 0: the skill's
	// default.
	Lookback time.Duration
}

// args is the playbook's input for in.
func (in Input) args() map[string]any {
	input := map[string]any{"service": in.Service}
	if in.Metric != "" {
		input["metric"] = in.Metric
	}
	if !in.At.IsZero() {
		input["at"] = in.At.UTC().Format(time.RFC3339)
	}
	if in.RPS > 0 {
		input["requests_per_second"] = in.RPS
	}
	if in.Function != "" {
		input["function"] = in.Function
	}
	if in.Lookback > 0 {
		input["lookback"] = in.Lookback.String()
	}
	return input
}

// Run runs s's playbook on in and summarises it; onStep, when not nil, is
// called as each step finishes. The agent is not asked: its review is the
// caller's choice (s.Agent.Review).
func Run(ctx context.Context, s Service, in Input, log *slog.Logger, onStep func(skills.StepRecord)) (skills.Investigation, skills.Run) {
	now := s.Now
	if now == nil {
		now = time.Now
	}
	runner := skills.NewRunner(s.Registry, log, now, stepTimeout)
	runner.OnStep = onStep
	run := runner.Run(ctx, s.Playbook, in.args())
	return skills.Summarize(run), run
}

// Regressions reads the regression a question names.
type Regressions interface {
	GetRegression(ctx context.Context, id string) (*store.Regression, error)
}

// Investigator answers the bot's questions by running the playbook (and
// the agent, when configured) of the service asked about. It is safe for
// concurrent use.
type Investigator struct {
	services map[string]Service
	regs     Regressions
	log      *slog.Logger
}

var _ bot.Investigator = (*Investigator)(nil)

// New returns an Investigator over services, by name; regs reads the
// regressions questions name. It does no I/O.
func New(services map[string]Service, regs Regressions, log *slog.Logger) *Investigator {
	return &Investigator{services: services, regs: regs, log: log.With("component", "investigator")}
}

// Investigate runs the service's playbook and turns its result into
// findings; a culprit verdict proposes reverting it. With an agent, the
// agent then reviews the run, or answers q.Text.
func (i *Investigator) Investigate(ctx context.Context, q bot.Question, progress func(bot.Progress)) (bot.Findings, error) {
	in := Input{Service: q.Service, Metric: q.Metric, At: q.Since}
	if q.RegressionID != "" {
		r, err := i.regs.GetRegression(ctx, q.RegressionID)
		if err != nil {
			return bot.Findings{}, fmt.Errorf("investigate %s: %w", q.RegressionID, err)
		}
		in.Service, in.Metric, in.At = r.Service, r.Metric, r.ChangeTime
		if r.Function != "" {
			// found in the profiles: the service's own series near the
			// time, and the function known
			in.Metric, in.Function = "", r.Function
		}
	}
	svc, ok := i.services[in.Service]
	if !ok {
		return bot.Findings{}, bot.UserErrorf("I have no code, profiles or deploys for %q. Add it under services: in the Wattson config.", in.Service)
	}
	in.RPS = svc.RPS
	inv, run := Run(ctx, svc, in, i.log, func(s skills.StepRecord) { progress(bot.Progress{Text: stepLine(s), Failed: s.Error != ""}) })
	rec := record(inv, run, q.Trigger)
	f := bot.Findings{Mode: store.ModePlaybook, Steps: rec.Steps, Suspects: rec.Suspects, Verdict: rec.Verdict}
	if im := inv.Impact; im != nil && im.ExtraCores > 0 {
		f.Cores = im.ExtraCores
	}
	if inv.Verdict == skills.VerdictCulprit && len(inv.Suspects) > 0 {
		f.Proposals = append(f.Proposals, revertProposal(svc.Repo, inv))
	}
	if svc.Agent != nil {
		reason(ctx, svc.Agent, q, run, &f, progress)
	}
	return f, nil
}

// reason adds the LLM agent's part to the playbook's findings: an answer
// to the user's question, or a review of the run (explanation, fix draft,
// further digging when inconclusive). The verdict stays the skills'; the
// agent's text is appended, hypotheses marked as such.
func reason(ctx context.Context, ag *agent.Agent, q bot.Question, run skills.Run, f *bot.Findings, progress func(bot.Progress)) {
	var res agent.Result
	if q.Text != "" {
		if est, err := ag.EstimateAsk(q.Text, &run); err == nil {
			progress(bot.Progress{Text: est.String()})
		}
		res = ag.Ask(ctx, q.Text, &run)
	} else {
		res = ag.Review(ctx, run)
	}
	if res.Mode != agent.ModePlaybook {
		f.Mode = store.ModeAgent
	}
	f.TokensUsed = int(res.Usage.TotalTokens)
	for _, s := range res.ToolSteps {
		f.Steps = append(f.Steps, store.Step{Skill: s.Skill, Input: s.Input, Summary: s.Summary, Output: s.Output, Duration: s.Duration, Error: s.Error})
	}
	if msg := agentMessage(res); msg != "" {
		f.Verdict += "\n\n" + msg
	}
	for _, ap := range agentProposals(res, q.RegressionID) {
		if !slices.ContainsFunc(f.Proposals, func(p store.Proposal) bool { return p.Kind == ap.Kind && p.Target == ap.Target }) {
			f.Proposals = append(f.Proposals, ap)
		}
	}
}

// stepLine is one line of investigation progress.
func stepLine(s skills.StepRecord) string {
	if s.Error != "" {
		return fmt.Sprintf("%s: %s", s.Skill, s.Error)
	}
	return fmt.Sprintf("%s: %s", s.Skill, s.Summary)
}

// revertProposal proposes reverting the culprit in repo, with the
// evidence.
func revertProposal(repo string, inv skills.Investigation) store.Proposal {
	c := inv.Suspects[0]
	var body strings.Builder
	fmt.Fprintf(&body, "Revert %s (%s), by %s.\n\nEvidence:\n", shortSHA(c.Commit), c.Title, c.Author)
	for _, e := range c.Evidence {
		fmt.Fprintf(&body, "- %s\n", e)
	}
	if im := inv.Impact; im != nil && im.ExtraCores > 0 {
		fmt.Fprintf(&body, "\nEstimated cost: %.2f cores, %.0f W.\n", im.ExtraCores, im.ExtraWatts)
	}
	return store.Proposal{
		Kind: store.ProposalRevert, Target: c.Commit, Repo: repo,
		Title: fmt.Sprintf("Revert %s: %s", shortSHA(c.Commit), c.Title), Body: body.String(),
	}
}

func shortSHA(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

// record maps a finished run to the store's record.
func record(inv skills.Investigation, run skills.Run, trigger store.Trigger) store.Investigation {
	rec := store.Investigation{
		Trigger: trigger, Mode: store.ModePlaybook, Status: store.InvestigationDone,
		Verdict:   fmt.Sprintf("%s: %s", inv.Verdict, inv.Reason),
		StartedAt: run.StartedAt, FinishedAt: run.FinishedAt,
	}
	for _, s := range run.Steps {
		rec.Steps = append(rec.Steps, store.Step{Skill: s.Skill, Input: s.Input, Summary: s.Summary, Output: s.Output, Duration: s.Duration, Error: s.Error})
	}
	for _, s := range inv.Suspects {
		rec.Suspects = append(rec.Suspects, store.Suspect{Commit: s.Commit, Author: s.Author, Title: s.Title, Score: s.Score, Evidence: s.Evidence})
	}
	return rec
}
