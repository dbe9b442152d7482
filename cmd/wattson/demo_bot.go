package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/console"
	"github.com/wattson-dev/wattson/bot/investigator"
	"github.com/wattson-dev/wattson/bot/proposals"
	"github.com/wattson-dev/wattson/cmd/wattson/internal/sample"
	"github.com/wattson-dev/wattson/detector/prom"
	"github.com/wattson-dev/wattson/detector/schedule"
	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/bolt"
)

// demoUser is who types in the demo's console; the demo makes them the
// sample service's approver.
const demoUser = "you"

// demoChannel is the console channel the demo's alert goes to.
const demoChannel = "#checkout-perf"

// demoBot is the bot as `wattson serve` runs it with the embedded
// defaults — embedded store, console chat, playbook mode — set up for the
// sample service: its data sources, its approver, and a local clone as
// the code host.
type demoBot struct {
	*botParts
	st      store.Store
	console *console.Console
	sched   *schedule.Scheduler
	job     schedule.Job
}

// demoConfig is the configuration the demo runs on: the embedded defaults
// with the sample service described as a user would in wattson.yaml.
func demoConfig(base config, s sample.Sample, dir string) config {
	cfg := defaultConfig()
	cfg.DataDir = dir
	cfg.Impact = base.Impact
	cfg.Services = []serviceConfig{{
		Name: s.Service, Repo: s.Repo, Profiles: s.Profiles, Deploys: s.Deploys,
		Metrics: []string{s.CPU, s.BuildInfo}, RPS: s.RPS,
	}}
	cfg.Approvers = []approverRule{{Service: s.Service, Users: []string{demoUser}}}
	cfg.Detection.Jobs = []detectionJob{{
		Name: s.Service + "-cpu", Query: s.Query, Schedule: "*/15 * * * *", Step: s.Step,
		Lookback: s.End.Sub(s.Start), Service: s.Service, Channel: "console:" + demoChannel,
	}}
	return cfg
}

// newDemoBot opens a fresh embedded store in cfg.DataDir (the demo's
// records start at R-1, I-1 and P-1 on every run) and builds the bot. The
// caller closes st.
func newDemoBot(cfg config, s sample.Sample, e *env, logger *slog.Logger) (*demoBot, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create demo directory: %w", err)
	}
	if err := os.Remove(cfg.storePath()); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("reset demo store: %w", err)
	}
	st, err := bolt.Open(cfg.storePath(), bolt.Options{Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("open demo store: %w", err)
	}
	d := &demoBot{st: st, console: console.New(e.stdin, e.stdout, demoChannel, demoUser)}
	jobs := detectionJobs(cfg)
	d.job = jobs[0]
	hosts := localCodeHosts(s.Repo, true)
	svcs, err := newServices(cfg, hosts, logger)
	if err != nil {
		st.Close()
		return nil, err
	}
	d.botParts, err = wireBot(bot.CoreOptions{
		Store: st, Chats: map[string]bot.Chat{console.Platform: console.NewCompact(d.console, e.stdout)},
		DefaultPlatform: console.Platform, DefaultChannel: demoChannel,
		Approvers:    []bot.ApproverRule{{Service: cfg.Approvers[0].Service, Users: cfg.Approvers[0].Users}},
		WattsPerCore: cfg.Impact.WattsPerCore, Owner: "demo", Logger: logger, Registerer: prometheus.NewRegistry(),
	}, botDeps{
		investigator: investigator.New(svcs.bundles, st, logger),
		pullRequests: proposals.CodeHosts(hosts.router(logger)),
		skills:       bot.SkillList(svcs.registries, svcs.lib, svcs.patterns), services: []string{s.Service},
	}, 0)
	if err != nil {
		st.Close()
		return nil, err
	}
	d.sched = schedule.New(jobs, prom.FileSource{Path: s.CPU}, st, d.bot,
		schedule.Options{Owner: "demo", Logger: logger.With("component", "scheduler")})
	return d, nil
}

// typed writes text into the console as if the user had typed it, and
// posts the bot's reply, as the console does for typed lines.
func (d *demoBot) typed(ctx context.Context, e *env, text string) error {
	fmt.Fprintf(e.stdout, "%s> /wattson %s\n", demoChannel, text)
	ev := bot.Event{Kind: bot.EventCommand, Platform: console.Platform, Channel: demoChannel,
		ChannelName: demoChannel[1:], User: demoUser, Text: text}
	if reply := d.bot.Handle(ctx, ev); !reply.IsZero() {
		if _, err := d.console.Post(ctx, demoChannel, "", reply); err != nil {
			return err
		}
	}
	return nil
}

// drain works the bot's job queue until it is empty: investigations, and
// the code-host actions they and approvals queue. A job that fails is an
// error: the demo has no replica to retry it later.
func (d *demoBot) drain(ctx context.Context) error {
	for {
		j, err := d.st.Dequeue(ctx, "demo", 100*time.Millisecond)
		if errors.Is(err, store.ErrNoJob) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("dequeue job: %w", err)
		}
		_, runErr := d.worker.RunJob(ctx, *j)
		if err := d.st.Ack(context.WithoutCancel(ctx), j.ID); err != nil {
			return fmt.Errorf("ack job: %w", err)
		}
		if runErr != nil {
			return fmt.Errorf("run %s job: %w", j.Kind, runErr)
		}
	}
}

// proposal returns the first proposal of regression id, if any.
func (d *demoBot) proposal(ctx context.Context, id string) (*store.Proposal, error) {
	ps, err := d.st.ListProposals(ctx, store.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list proposals: %w", err)
	}
	for _, p := range ps {
		if p.RegressionID == id {
			return &p, nil
		}
	}
	return nil, nil
}

// demoDir is where the demo keeps its store and its sample: demo/ in the
// data directory ($WATTSON_DATA_DIR, default ./wattson-data).
func demoDir(cfg config) string {
	return filepath.Join(cfg.DataDir, "demo")
}
