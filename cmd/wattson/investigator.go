package main

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

// playbookInvestigator answers the bot's questions by running a playbook
// over the skills of the service asked about, with that service's data
// sources from the config's services list.
type playbookInvestigator struct {
	cfg  config
	regs interface {
		GetRegression(ctx context.Context, id string) (*store.Regression, error)
	}
	log *slog.Logger
}

var _ bot.Investigator = (*playbookInvestigator)(nil)

// Investigate runs the cpu-regression playbook (or skills.dir's) and turns
// its result into findings; a culprit verdict proposes reverting it.
func (p *playbookInvestigator) Investigate(ctx context.Context, q bot.Question, progress func(string)) (bot.Findings, error) {
	opt := investigateOptions{service: q.Service, metric: q.Metric, at: q.Since, playbook: "cpu-regression", skillDir: p.cfg.Skills.Dir}
	if q.RegressionID != "" {
		r, err := p.regs.GetRegression(ctx, q.RegressionID)
		if err != nil {
			return bot.Findings{}, fmt.Errorf("investigate %s: %w", q.RegressionID, err)
		}
		opt.service, opt.metric, opt.at = r.Service, r.Metric, r.ChangeTime
	}
	svc, ok := p.service(opt.service)
	if !ok {
		return bot.Findings{}, bot.UserErrorf("I have no code, profiles or deploys for %q. Add it under services: in the Wattson config.", opt.service)
	}
	opt.rps = svc.RPS
	deps, err := serviceSources(svc).deps(p.cfg)
	if err != nil {
		return bot.Findings{}, fmt.Errorf("investigate %s: %w", svc.Name, err)
	}
	pb, err := findPlaybook(opt.playbook, opt.skillDir)
	if err != nil {
		return bot.Findings{}, err
	}
	reg := buildRegistry(deps)
	runner := skills.NewRunner(reg, p.log, deps.now, 30*time.Second)
	runner.OnStep = func(s skills.StepRecord) { progress(stepLine(s)) }
	run := runner.Run(ctx, pb, investigationInput(opt))
	inv := skills.Summarize(run)
	rec := toStoreInvestigation(inv, run, q.Trigger)
	f := bot.Findings{Mode: store.ModePlaybook, Steps: rec.Steps, Suspects: rec.Suspects, Verdict: rec.Verdict}
	if im := inv.Impact; im != nil && im.ExtraCores > 0 {
		f.Cores = im.ExtraCores
	}
	if inv.Verdict == skills.VerdictCulprit && len(inv.Suspects) > 0 {
		f.Proposals = append(f.Proposals, revertProposal(svc, inv))
	}
	if ag := newAgent(p.cfg, reg, p.log, deps.now); ag != nil {
		p.reason(ctx, ag, q, run, &f, progress)
	}
	return f, nil
}

// reason adds the LLM agent's part to the playbook's findings: an answer
// to the user's question, or a review of the run (explanation, fix draft,
// further digging when inconclusive). The verdict stays the skills'; the
// agent's text is appended, hypotheses marked as such.
func (p *playbookInvestigator) reason(ctx context.Context, ag *agent.Agent, q bot.Question, run skills.Run, f *bot.Findings, progress func(string)) {
	var res agent.Result
	if q.Text != "" {
		if est, err := ag.EstimateAsk(q.Text, &run); err == nil {
			progress(est.String())
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

// service finds a configured service by name.
func (p *playbookInvestigator) service(name string) (serviceConfig, bool) {
	for _, s := range p.cfg.Services {
		if s.Name == name {
			return s, true
		}
	}
	return serviceConfig{}, false
}

// stepLine is one line of investigation progress.
func stepLine(s skills.StepRecord) string {
	if s.Error != "" {
		return fmt.Sprintf("%s: %s", s.Skill, s.Error)
	}
	return fmt.Sprintf("%s: %s", s.Skill, s.Summary)
}

// revertProposal proposes reverting the culprit, with the evidence.
func revertProposal(svc serviceConfig, inv skills.Investigation) store.Proposal {
	c := inv.Suspects[0]
	repo := svc.GitHub
	if repo == "" {
		repo = svc.Repo
	}
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

// newInvestigator returns the bot's investigator over cfg's services.
func newInvestigator(cfg config, st store.Store, logger *slog.Logger) bot.Investigator {
	return &playbookInvestigator{cfg: cfg, regs: st, log: logger.With("component", "investigator")}
}

// skillList lists, for /wattson skills, the skills available for at least
// one configured service.
func skillList(cfg config) func() []bot.SkillInfo {
	return func() []bot.SkillInfo {
		seen := map[string]bool{}
		var out []bot.SkillInfo
		add := func(d skillDeps) {
			for _, info := range buildRegistry(d).Infos() {
				if !seen[info.Name] {
					seen[info.Name] = true
					out = append(out, bot.SkillInfo{Name: info.Name, Description: info.Description})
				}
			}
		}
		add(skillDeps{wattsPerCore: cfg.Impact.WattsPerCore, now: time.Now})
		for _, svc := range cfg.Services {
			if d, err := serviceSources(svc).deps(cfg); err == nil {
				add(d)
			}
		}
		return append(out, patternSkills(cfg)...)
	}
}
