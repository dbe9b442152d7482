package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/store"
)

// Options are the parts a Bot routes commands, mentions and clicks to;
// every field may be zero, which turns its commands off.
type Options struct {
	// Decider decides proposals and regressions: approve, reject,
	// rollback and dismiss.
	Decider Decider
	// Investigations start investigations; nil turns /wattson
	// investigate off.
	Investigations Investigations
	// Digests answer /wattson digest.
	Digests Digester
	// Skills lists the skills for /wattson skills; nil lists none.
	Skills func() []SkillInfo
	// Services are service names mentions are matched against, in addition
	// to those in routes, approver rules and stored regressions.
	Services []string
	// AutoInvestigate says whether a newly detected regression is
	// investigated at once, with no click (trigger alert); nil means
	// always.
	AutoInvestigate func(r store.Regression) bool
	// Deploys returns a service's deploys between from and to, marked on
	// alert charts; nil marks none. A lookup that fails returns none: the
	// alert goes without the marks.
	Deploys func(ctx context.Context, service string, from, to time.Time) []Mark
}

// Decider acts on a decision about a record. The bot's proposals part
// implements it; every decision is authorized and audited there.
type Decider interface {
	Decide(ctx context.Context, ev Event, d Decision) (Message, error)
}

// Decision is what a user decided: approve (or rollback) a proposal as
// shown at Version (0: as last shown), reject one, roll back a regression
// or proposal, or dismiss a regression.
type Decision struct {
	Action  Action
	ID      string
	Version int
	Reason  string
}

// Investigations start an investigation of a question and return the
// reply for the user who asked; the work is queued.
type Investigations interface {
	Start(ctx context.Context, ev Event, q Question) (Message, error)
}

// Digester renders the digest of a channel ("#perf") for /wattson digest.
type Digester interface {
	Digest(ctx context.Context, channel string) (Message, error)
}

// Bot is the platform-neutral chat bot: it routes inbound events to the
// parts, posts alerts and answers the read-only commands. Build it with
// New and hand inbound events to Handle.
type Bot struct {
	c   *Core
	o   Options
	log *slog.Logger
	m   *metrics
	now func() time.Time
}

// New builds a Bot over c. It does no I/O and starts nothing.
func New(c *Core, o Options) (*Bot, error) {
	m, err := newMetrics(c.Registerer)
	if err != nil {
		return nil, fmt.Errorf("new bot: %w", err)
	}
	return &Bot{c: c, o: o, log: c.Log, m: m, now: c.now}, nil
}

// eventTTL is how long an inbound event id is remembered for de-duplication.
const eventTTL = 24 * time.Hour

// Handle acts on one inbound event and returns the reply for the user who
// sent it. Slow work (investigations) is queued and reported in threads
// later. A duplicate delivery of an event already handled returns the zero
// Message, which adapters do not show. Errors are turned into replies: the
// user sees why when it is their business, a reference otherwise.
func (b *Bot) Handle(ctx context.Context, ev Event) Message {
	start := b.now()
	defer func() { b.m.handle.WithLabelValues(string(ev.Kind)).Observe(b.now().Sub(start).Seconds()) }()
	log := b.log.With("platform", ev.Platform, "kind", ev.Kind, "user", ev.User, "channel", ev.Channel)
	if ev.ID != "" {
		first, err := b.c.Store.Remember(ctx, "bot/event/"+ev.Platform+"/"+ev.ID, eventTTL)
		if err != nil {
			// The store is unreachable: nothing could be recorded, so
			// nothing is done; the user is told plainly.
			log.ErrorContext(ctx, "store unavailable", "err", err)
			return b.fail(ctx, log, ev, userErrorf("Wattson's storage is unavailable right now, so I can't act on this. Try again in a minute."))
		}
		if !first {
			b.m.events.WithLabelValues(ev.Platform, string(ev.Kind), "duplicate").Inc()
			log.DebugContext(ctx, "duplicate event dropped", "id", ev.ID)
			return Message{}
		}
	}
	var (
		reply Message
		err   error
	)
	switch ev.Kind {
	case EventCommand:
		reply, err = b.command(ctx, ev)
	case EventMention:
		reply, err = b.mention(ctx, ev)
	case EventButton:
		reply, err = b.button(ctx, ev)
	default:
		err = fmt.Errorf("handle event: unknown kind %q", ev.Kind)
	}
	if err != nil {
		return b.fail(ctx, log, ev, err)
	}
	b.m.events.WithLabelValues(ev.Platform, string(ev.Kind), "ok").Inc()
	return reply
}

// fail turns err into a private reply and counts it.
func (b *Bot) fail(ctx context.Context, log *slog.Logger, ev Event, err error) Message {
	outcome := "internal_error"
	var ue *UsageError
	var u *userError
	if errors.As(err, &ue) || errors.As(err, &u) {
		outcome = "user_error"
	}
	b.m.events.WithLabelValues(ev.Platform, string(ev.Kind), outcome).Inc()
	return Message{Text: PublicText(ctx, log, err), Private: true}
}

// command runs a parsed /wattson command.
func (b *Bot) command(ctx context.Context, ev Event) (Message, error) {
	c, err := ParseCommand(ev.Text)
	if err != nil {
		return Message{}, err
	}
	switch c.Verb {
	case VerbInvestigate:
		return b.investigate(ctx, ev, c)
	case VerbApprove:
		return b.decide(ctx, ev, Decision{Action: ActionApprove, ID: c.ID, Version: c.Version})
	case VerbReject:
		return b.decide(ctx, ev, Decision{Action: ActionReject, ID: c.ID, Reason: c.Reason})
	case VerbRollback:
		return b.decide(ctx, ev, Decision{Action: ActionRollback, ID: c.ID})
	case VerbDismiss:
		return b.decide(ctx, ev, Decision{Action: ActionDismiss, ID: c.ID, Reason: c.Reason})
	case VerbStatus:
		return b.status(ctx, c.ID)
	case VerbList:
		return b.list(ctx)
	case VerbDigest:
		return b.digest(ctx, ev)
	case VerbSkills:
		return b.skills(ctx)
	default:
		return helpText(c.Topic), nil
	}
}

// button runs a button click.
func (b *Bot) button(ctx context.Context, ev Event) (Message, error) {
	switch ev.Action {
	case ActionInvestigate:
		return b.investigate(ctx, ev, Command{Verb: VerbInvestigate, ID: ev.RecordID})
	case ActionApprove, ActionRollback, ActionReject, ActionDismiss:
		return b.decide(ctx, ev, Decision{Action: ev.Action, ID: ev.RecordID, Version: ev.Version, Reason: ev.Reason})
	}
	return Message{}, userErrorf("That button no longer does anything; try /wattson help.")
}

// digest answers /wattson digest with the digest of the channel asked in.
func (b *Bot) digest(ctx context.Context, ev Event) (Message, error) {
	if b.o.Digests == nil {
		return Message{}, userErrorf("Digests are not set up on this Wattson.")
	}
	channel := ev.ChannelName
	if channel == "" {
		channel = ev.Channel
	}
	m, err := b.o.Digests.Digest(ctx, "#"+strings.TrimPrefix(channel, "#"))
	if err != nil {
		return Message{}, err
	}
	m.Private = true
	return m, nil
}

// decide hands a decision to the Decider.
func (b *Bot) decide(ctx context.Context, ev Event, d Decision) (Message, error) {
	if b.o.Decider == nil {
		return Message{}, userErrorf("Decisions are not set up on this Wattson.")
	}
	return b.o.Decider.Decide(ctx, ev, d)
}

// investigate starts the investigation a command or click asks for.
func (b *Bot) investigate(ctx context.Context, ev Event, c Command) (Message, error) {
	q := Question{RegressionID: c.ID, Service: c.Service, Metric: c.Metric, Trigger: store.TriggerCommand}
	if c.Since != "" {
		q.Since, _ = ParseSince(c.Since, b.now())
	}
	return b.startInvestigation(ctx, ev, q)
}

// startInvestigation hands q to the Investigations.
func (b *Bot) startInvestigation(ctx context.Context, ev Event, q Question) (Message, error) {
	if b.o.Investigations == nil {
		return Message{}, userErrorf("Investigations are not set up on this Wattson.")
	}
	return b.o.Investigations.Start(ctx, ev, q)
}
