package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/console"
	"github.com/wattson-dev/wattson/bot/digest"
	discordbot "github.com/wattson-dev/wattson/bot/discord"
	"github.com/wattson-dev/wattson/bot/investigation"
	"github.com/wattson-dev/wattson/bot/offense"
	"github.com/wattson-dev/wattson/bot/proposals"
	slackbot "github.com/wattson-dev/wattson/bot/slack"
	"github.com/wattson-dev/wattson/bot/worker"
	"github.com/wattson-dev/wattson/cmd/wattson/internal/chatsetup"
	"github.com/wattson-dev/wattson/store"
)

// chatBot is the bot with the chat adapters the config enables.
type chatBot struct {
	*botParts
	slack   *slackbot.Adapter   // nil unless slack is enabled
	socket  bool                // slack over Socket Mode instead of HTTP
	console *console.Console    // nil unless console is enabled
	discord *discordbot.Adapter // nil unless discord is enabled
	checks  chatsetup.Checks    // the platforms' credential checks
}

// botDeps are what the bot needs from the rest of wattson; any may be zero.
type botDeps struct {
	investigator bot.Investigator
	pullRequests proposals.PullRequests
	recovery     proposals.RecoveryChecker
	learner      proposals.Learner
	skills       func() []bot.SkillInfo
	services     []string
	auto         func(store.Regression) bool
	deploys      func(ctx context.Context, service string, from, to time.Time) []bot.Mark
	remindAfter  time.Duration
	stdin        io.Reader
	stdout       io.Writer
}

// botParts are the bot and its parts, wired over one core.
type botParts struct {
	core      *bot.Core
	bot       *bot.Bot
	proposals *proposals.Desk
	runner    *investigation.Runner
	offense   *offense.Offense
	digests   *digest.Digests
	worker    *worker.Worker
}

// wireBot builds the bot's parts over co and connects them: decisions go to
// the desk, investigations to the runner, digests to the digests, and the
// worker runs the runner's and the desk's jobs. It does no I/O.
func wireBot(co bot.CoreOptions, deps botDeps, reclaimIdle time.Duration) (*botParts, error) {
	core, err := bot.NewCore(co)
	if err != nil {
		return nil, fmt.Errorf("start bot: %w", err)
	}
	p := &botParts{core: core}
	p.proposals = proposals.New(core, proposals.Options{PullRequests: deps.pullRequests, Recovery: deps.recovery, Learner: deps.learner,
		RemindAfter: deps.remindAfter})
	p.runner = investigation.New(core, investigation.Options{Investigator: deps.investigator, Proposals: p.proposals})
	p.offense = offense.New(core, offense.Options{Proposals: p.proposals})
	p.digests = digest.New(core)
	p.worker, err = worker.New(co.Store, worker.Options{
		Handlers: map[string]worker.Handler{
			investigation.JobInvestigate: p.runner.Run,
			proposals.JobPullRequest:     p.proposals.RunPullRequest,
			proposals.JobVerifyRecovery:  p.proposals.RunVerify,
		},
		ReclaimIdle: reclaimIdle, Owner: co.Owner, Now: co.Now, Logger: co.Logger, Registerer: botQueue(co.Registerer),
	})
	if err != nil {
		return nil, fmt.Errorf("start bot: %w", err)
	}
	var investigations bot.Investigations
	if deps.investigator != nil {
		investigations = p.runner
	}
	p.bot, err = bot.New(core, bot.Options{Decider: p.proposals, Investigations: investigations, Digests: p.digests,
		Skills: deps.skills, Services: deps.services, AutoInvestigate: deps.auto, Deploys: deps.deploys})
	if err != nil {
		return nil, fmt.Errorf("start bot: %w", err)
	}
	return p, nil
}

// botQueue labels the bot worker's metrics with its queue, beside the
// detection shards' worker (serve.go's shardLane).
func botQueue(reg prometheus.Registerer) prometheus.Registerer {
	if reg == nil {
		return nil
	}
	return prometheus.WrapRegistererWith(prometheus.Labels{"queue": "bot"}, reg)
}

// newChatBot builds the bot and its adapters from cfg and mounts Slack's
// HTTP endpoints on mux unless Slack uses Socket Mode. It does no I/O and
// starts nothing; run does.
func newChatBot(cfg config, st store.Store, deps botDeps, logger *slog.Logger, reg prometheus.Registerer, mux *http.ServeMux) (*chatBot, error) {
	c, seen := &chatBot{}, store.NewRememberFallback(st, nil) // replays refused from memory while the store is down
	chats := map[string]bot.Chat{}
	defaultPlatform, defaultChannel := "", ""
	for _, p := range cfg.Chat.Platforms {
		switch p {
		case "console":
			c.console = console.New(deps.stdin, deps.stdout, "#console", "console")
			chats[console.Platform] = c.console
			if defaultPlatform == "" {
				defaultPlatform, defaultChannel = console.Platform, "#console"
			}
		case "slack":
			a, err := slackbot.New(slackbot.Options{
				BotToken: string(cfg.Slack.BotToken), SigningSecret: string(cfg.Slack.SigningSecret),
				AppToken: string(cfg.Slack.AppToken), APIURL: cfg.Slack.APIURL, MinInterval: cfg.Slack.MinInterval,
				Seen: seen, Logger: logger, Registerer: reg,
			})
			if err != nil {
				return nil, fmt.Errorf("start slack: %w", err)
			}
			c.slack, c.socket = a, cfg.Slack.SocketMode
			c.checks.Add("slack", a.CheckAuth, time.Minute)
			chats[slackbot.Platform] = a
			if defaultPlatform == "" {
				defaultPlatform, defaultChannel = slackbot.Platform, "#wattson"
			}
		case "discord":
			a, err := discordbot.New(discordbot.Options{
				BotToken: string(cfg.Discord.BotToken), PublicKey: cfg.Discord.PublicKey,
				ApplicationID: cfg.Discord.ApplicationID, GuildID: cfg.Discord.GuildID, APIURL: cfg.Discord.APIURL,
				Seen: seen, Logger: logger, Registerer: reg,
			})
			if err != nil {
				return nil, fmt.Errorf("start discord: %w", err)
			}
			c.discord = a
			c.checks.Add("discord", a.CheckAuth, time.Minute)
			chats[discordbot.Platform] = a
			if defaultPlatform == "" {
				defaultPlatform = discordbot.Platform // Discord posts by channel id: routes name the channels
			}
		default:
			logger.Warn("chat platform not available yet", "platform", p)
		}
	}
	if defaultPlatform == "" {
		return nil, errors.New("start bot: no chat platform enabled (chat.platforms)")
	}
	if cfg.Chat.DefaultChannel != "" {
		defaultChannel = cfg.Chat.DefaultChannel
	}
	routes := make([]bot.Route, len(cfg.Routes))
	for i, r := range cfg.Routes {
		routes[i] = bot.Route{Match: r.Match, Channel: r.Channel}
	}
	approvers := make([]bot.ApproverRule, len(cfg.Approvers))
	for i, a := range cfg.Approvers {
		approvers[i] = bot.ApproverRule{Service: a.Service, Channel: a.Channel, Users: a.Users, Groups: a.Groups}
	}
	jobs := map[string]bot.MetricInfo{}
	for _, j := range cfg.Detection.Jobs {
		deps.services = append(deps.services, j.Service)
		unit, _ := bot.ParseUnit(j.Unit) // checked with the config
		jobs[j.Name] = bot.MetricInfo{Display: j.Display, Unit: unit}
	}
	deps.auto = autoInvestigate(cfg)
	parts, err := wireBot(bot.CoreOptions{
		Store: st, Chats: chats, DefaultPlatform: defaultPlatform, DefaultChannel: defaultChannel,
		Routes: routes, Approvers: approvers, WattsPerCore: cfg.Impact.WattsPerCore, Jobs: jobs, Owner: replicaName(),
		Logger: logger, Registerer: reg,
	}, deps, cfg.Store.ReclaimIdle)
	if err != nil {
		return nil, err
	}
	c.botParts = parts
	b := parts.bot
	if c.slack != nil && !c.socket {
		c.slack.Routes(mux, b)
	}
	if c.discord != nil {
		c.discord.Routes(mux, b)
	}
	return c, nil
}

// run works the job queue, Slack Socket Mode and the console until ctx
// ends (the end of console input stops none of the others), then waits for
// Slack answers in flight.
func (c *chatBot) run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	start := func(f func(context.Context) error) {
		wg.Go(func() {
			if err := f(ctx); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
				cancel()
			}
		})
	}
	start(c.worker.Run)
	if c.slack != nil && c.socket {
		start(func(ctx context.Context) error { return c.slack.ServeSocketMode(ctx, c.bot) })
	}
	if c.console != nil {
		start(func(ctx context.Context) error { return c.console.Serve(ctx, c.bot) })
	}
	if c.discord != nil {
		start(func(ctx context.Context) error { return c.discord.Run(ctx, c.bot) })
	}
	wg.Wait()
	if c.slack != nil {
		c.slack.Wait()
	}
	if c.discord != nil {
		c.discord.Wait()
	}
	return errors.Join(errs...)
}

// replicaName names this process in leases and as a queue consumer.
func replicaName() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s-%d", host, os.Getpid())
}
