package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wattson-dev/wattson/store"
)

// Options is everything a Bot is built from.
type Options struct {
	// Store holds every record; required.
	Store store.Store
	// Chats are the platforms the bot posts to, by name ("slack",
	// "console"); at least one.
	Chats map[string]Chat
	// DefaultPlatform receives alerts whose route names no platform; it
	// must be a key of Chats.
	DefaultPlatform string
	// Routes send regressions to channels; the first match wins.
	Routes []Route
	// DefaultChannel receives regressions no route matches.
	DefaultChannel string
	// Approvers decide who may approve, reject, roll back and dismiss.
	Approvers []ApproverRule
	// Investigator runs investigations; nil turns /wattson investigate off.
	Investigator Investigator
	// PullRequests acts on the code host when proposals are made,
	// approved and rejected; nil keeps proposals in chat only.
	PullRequests PullRequests
	// Recovery re-checks a regression's series after its fix merged; nil
	// turns verification off.
	Recovery RecoveryChecker
	// Learner records the lessons of verified fixes in the skill library;
	// nil learns nothing.
	Learner Learner
	// Skills lists the skills for /wattson skills; nil lists none.
	Skills func() []SkillInfo
	// Services are service names mentions are matched against, in addition
	// to those in routes, approver rules and stored regressions.
	Services []string
	// WattsPerCore turns cores into watts; 0 means 10.
	WattsPerCore float64
	// ApprovalTTL is how long a shown proposal may be approved; 0 means
	// 72 hours.
	ApprovalTTL time.Duration
	// ReclaimIdle is how long a job may stay unacknowledged before another
	// replica takes it over (its holder presumably died); 0 means 15
	// minutes. Set it above the longest investigation.
	ReclaimIdle time.Duration
	// Owner names this replica in leases and as a queue consumer; empty
	// means "wattson".
	Owner string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives the bot's logs; nil discards them.
	Logger *slog.Logger
	// Registerer receives the bot's metrics; nil registers nowhere.
	Registerer prometheus.Registerer
}

// Bot is the platform-neutral chat bot. Build it with New, hand inbound
// events to Handle, announce regressions with Alert, and run the job worker
// with Run.
type Bot struct {
	o   Options
	log *slog.Logger
	m   *metrics
	now func() time.Time
}

// New checks o and builds a Bot. It does no I/O and starts nothing.
func New(o Options) (*Bot, error) {
	if o.Store == nil {
		return nil, errors.New("new bot: no store")
	}
	if _, ok := o.Chats[o.DefaultPlatform]; !ok {
		return nil, fmt.Errorf("new bot: default platform %q has no chat", o.DefaultPlatform)
	}
	if o.WattsPerCore <= 0 {
		o.WattsPerCore = 10
	}
	if o.ApprovalTTL <= 0 {
		o.ApprovalTTL = 72 * time.Hour
	}
	if o.ReclaimIdle <= 0 {
		o.ReclaimIdle = reclaimIdle
	}
	if o.Owner == "" {
		o.Owner = "wattson"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Registerer == nil {
		o.Registerer = prometheus.NewRegistry()
	}
	m, err := newMetrics(o.Registerer)
	if err != nil {
		return nil, fmt.Errorf("new bot: %w", err)
	}
	return &Bot{o: o, log: o.Logger.With("component", "bot"), m: m, now: o.Now}, nil
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
		first, err := b.o.Store.Remember(ctx, "bot/event/"+ev.Platform+"/"+ev.ID, eventTTL)
		if err != nil {
			return b.fail(ctx, log, ev, fmt.Errorf("remember event: %w", err))
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
		return b.investigateCommand(ctx, ev, c)
	case VerbApprove:
		return b.approve(ctx, ev, c.ID, c.Version, ActionApprove)
	case VerbReject:
		return b.reject(ctx, ev, c.ID, c.Reason)
	case VerbRollback:
		return b.rollback(ctx, ev, c.ID)
	case VerbDismiss:
		return b.dismiss(ctx, ev, c.ID, c.Reason)
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
		return b.investigateCommand(ctx, ev, Command{Verb: VerbInvestigate, ID: ev.RecordID})
	case ActionApprove, ActionRollback:
		return b.approve(ctx, ev, ev.RecordID, ev.Version, ev.Action)
	case ActionReject:
		return b.reject(ctx, ev, ev.RecordID, "")
	case ActionDismiss:
		return b.dismiss(ctx, ev, ev.RecordID, "")
	}
	return Message{}, userErrorf("That button no longer does anything; try /wattson help.")
}

// chat returns the chat of platform.
func (b *Bot) chat(platform string) (Chat, error) {
	c, ok := b.o.Chats[platform]
	if !ok {
		return nil, fmt.Errorf("find chat: platform %q is not enabled", platform)
	}
	return c, nil
}

// audit appends an audit event stamped with the bot's clock.
func (b *Bot) audit(ctx context.Context, ev Event, action, recordID, detail string, allowed bool) error {
	actor := ev.User
	if actor == "" {
		actor = "wattson"
	}
	_, err := b.o.Store.AppendAudit(ctx, store.AuditEvent{
		At: b.now().UTC(), Actor: actor, Platform: ev.Platform, Channel: ev.Channel,
		Action: action, RecordID: recordID, Detail: detail, Allowed: allowed,
	})
	if err != nil {
		return fmt.Errorf("append audit %s %s: %w", action, recordID, err)
	}
	return nil
}
