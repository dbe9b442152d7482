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

// CoreOptions are what every part of the bot shares.
type CoreOptions struct {
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
	// WattsPerCore turns cores into watts; 0 means 10.
	WattsPerCore float64
	// Metrics name metrics and give their units, by metric name, over the
	// defaults of DescribeMetric.
	Metrics map[string]MetricInfo
	// Jobs name and give the units of the metrics each detection job
	// watches, by job name, over Metrics: a job's `display:` and `unit:`.
	Jobs map[string]MetricInfo
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

// Core is what every part of the bot shares to speak and to record: the
// store, the chats, the routes and approver rules, the clock, and the
// audit trail. The parts (proposals, investigations, offense, digest) are
// built over one Core; none of them talks to a chat or appends to the
// audit log any other way.
type Core struct {
	// Store holds every record.
	Store store.Store
	// Log is the bot's logger.
	Log *slog.Logger
	// Owner names this replica in leases.
	Owner string
	// WattsPerCore turns cores into watts.
	WattsPerCore float64
	// Registerer receives the parts' metrics.
	Registerer prometheus.Registerer

	o         CoreOptions
	now       func() time.Time
	decisions *prometheus.CounterVec
	response  *prometheus.HistogramVec
}

// NewCore checks o and builds a Core. It does no I/O and starts nothing.
func NewCore(o CoreOptions) (*Core, error) {
	if o.Store == nil {
		return nil, errors.New("new bot: no store")
	}
	if _, ok := o.Chats[o.DefaultPlatform]; !ok {
		return nil, fmt.Errorf("new bot: default platform %q has no chat", o.DefaultPlatform)
	}
	if o.WattsPerCore <= 0 {
		o.WattsPerCore = 10
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
	decisions := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "wattson_bot_decisions_total",
		Help: "Approve, reject, rollback and dismiss decisions, by action and whether they were allowed.",
	}, []string{"action", "allowed"})
	response := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "wattson_response_seconds",
		Help: "Response times of regressions, by stage: detect (change to alert), culprit, proposal, mitigate (alert to merge of the fix) and recover (alert to verified recovery), each from the alert.",
		// A minute to a month.
		Buckets: prometheus.ExponentialBuckets(60, 2, 16),
	}, []string{"stage"})
	for _, c := range []prometheus.Collector{decisions, response} {
		if err := o.Registerer.Register(c); err != nil {
			return nil, fmt.Errorf("new bot: register metrics: %w", err)
		}
	}
	return &Core{Store: o.Store, Log: o.Logger.With("component", "bot"), Owner: o.Owner, WattsPerCore: o.WattsPerCore,
		Registerer: o.Registerer, o: o, now: o.Now, decisions: decisions, response: response}, nil
}

// Now reads the bot's clock.
func (c *Core) Now() time.Time { return c.now() }

// Describe returns how metric is named and shown: its configured
// display name and unit over the defaults of DescribeMetric.
func (c *Core) Describe(metric string) MetricInfo {
	return DescribeMetric(metric).Override(c.o.Metrics[metric])
}

// DescribeRegression returns how r's metric is named and shown: as the
// detection job that found it says, over Describe.
func (c *Core) DescribeRegression(r store.Regression) MetricInfo {
	return c.Describe(r.Metric).Override(c.o.Jobs[r.Job])
}

// Chat returns the chat of platform.
func (c *Core) Chat(platform string) (Chat, error) {
	ch, ok := c.o.Chats[platform]
	if !ok {
		return nil, fmt.Errorf("find chat: platform %q is not enabled", platform)
	}
	return ch, nil
}

// Audit appends an audit event stamped with the bot's clock; ev says who
// did it, from which platform and channel (the zero Event: Wattson).
func (c *Core) Audit(ctx context.Context, ev Event, action, recordID, detail string, allowed bool) error {
	actor := ev.User
	if actor == "" {
		actor = "wattson"
	}
	_, err := c.Store.AppendAudit(ctx, store.AuditEvent{
		At: c.now().UTC(), Actor: actor, Platform: ev.Platform, Channel: ev.Channel,
		Action: action, RecordID: recordID, Detail: detail, Allowed: allowed,
	})
	if err != nil {
		return fmt.Errorf("append audit %s %s: %w", action, recordID, err)
	}
	return nil
}

// Post replies in a thread, logging a failure.
func (c *Core) Post(ctx context.Context, where store.ThreadRef, m Message) {
	chat, err := c.Chat(where.Platform)
	if err == nil {
		_, err = chat.Post(ctx, where.Channel, where.MessageID, m)
	}
	if err != nil {
		c.Log.WarnContext(ctx, "thread reply not posted", "err", err)
	}
}

// Lease takes the store lease key for this replica for ttl. held is false
// when another replica holds it; otherwise release gives it back (a
// failure to is logged: the lease lapses after ttl anyway).
func (c *Core) Lease(ctx context.Context, key string, ttl time.Duration) (release func(), held bool, err error) {
	held, err = c.Store.AcquireLease(ctx, key, c.Owner, ttl)
	if err != nil || !held {
		return nil, false, err
	}
	return func() {
		if err := c.Store.ReleaseLease(context.WithoutCancel(ctx), key, c.Owner); err != nil {
			c.Log.WarnContext(ctx, "lease not released", "key", key, "err", err)
		}
	}, true, nil
}

// RefreshAlert redraws a regression's alert to show its new status; the
// buttons go once it is decided. Failure is logged, not returned: the
// record is already stored and the thread reply says what happened.
func (c *Core) RefreshAlert(ctx context.Context, r store.Regression) {
	if r.Thread.MessageID == "" {
		return
	}
	chat, err := c.Chat(r.Thread.Platform)
	if err == nil {
		err = chat.Update(ctx, r.Thread, AlertMessage(r, c.DescribeRegression(r), r.Cores, r.Cores*c.WattsPerCore, nil))
	}
	if err != nil {
		c.Log.WarnContext(ctx, "alert not refreshed", "regression", r.ID, "err", err)
	}
}

// Regression loads a regression for a user, with a readable not-found.
func (c *Core) Regression(ctx context.Context, id string) (*store.Regression, error) {
	r, err := c.Store.GetRegression(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, userErrorf("There is no regression %s. Try /wattson list.", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get regression %s: %w", id, err)
	}
	return r, nil
}

// Proposal loads a proposal for a user, with a readable not-found.
func (c *Core) Proposal(ctx context.Context, id string) (*store.Proposal, error) {
	p, err := c.Store.GetProposal(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, userErrorf("There is no proposal %s. Try /wattson list.", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get proposal %s: %w", id, err)
	}
	return p, nil
}

// ProposalRegression returns the regression a proposal answers, or the
// zero regression for one that answers none.
func (c *Core) ProposalRegression(ctx context.Context, p store.Proposal) (store.Regression, error) {
	if p.RegressionID == "" {
		return store.Regression{}, nil
	}
	r, err := c.Store.GetRegression(ctx, p.RegressionID)
	if err != nil {
		return store.Regression{}, fmt.Errorf("get regression of %s: %w", p.ID, err)
	}
	return *r, nil
}

// Authorize checks RBAC for action on recordID of service. A refusal is
// audited and counted before the user is told.
func (c *Core) Authorize(ctx context.Context, ev Event, action, recordID, service string) error {
	ok, why := mayDecide(c.o.Approvers, service, ev)
	if ok {
		return nil
	}
	if err := c.Audit(ctx, ev, action, recordID, "refused: "+why, false); err != nil {
		return err
	}
	c.CountDecision(action, false)
	return userErrorf("Sorry, you can't %s %s: %s. Ask an approver, or see /wattson status %s.", action, recordID, why, recordID)
}

// The stages of a regression's response that ObserveResponse measures.
const (
	StageDetect   = "detect"
	StageCulprit  = "culprit"
	StageProposal = "proposal"
	StageMitigate = "mitigate"
	StageRecover  = "recover"
)

// ObserveResponse records, in the wattson_response_seconds histogram, that
// stage of regression r was reached at: for detect, the time from the
// change to r's alert; for the others, from r's alert. Each is observed
// once, where it happens, so replicas add up.
func (c *Core) ObserveResponse(stage string, r store.Regression, at time.Time) {
	from := r.DetectedAt
	if stage == StageDetect {
		from, at = r.ChangeTime, r.DetectedAt
	}
	if from.IsZero() || at.Before(from) {
		return
	}
	c.response.WithLabelValues(stage).Observe(at.Sub(from).Seconds())
}

// CountDecision counts a decision (approve, reject, rollback, dismiss)
// and whether it was allowed.
func (c *Core) CountDecision(action string, allowed bool) {
	c.decisions.WithLabelValues(action, fmt.Sprint(allowed)).Inc()
}

// Route returns the channel ("#name", or "platform:channel") the routes
// send r to.
func (c *Core) Route(r store.Regression) string {
	return routeChannel(c.o.Routes, r, c.o.DefaultChannel)
}

// Target splits a routed channel into its platform (the default one when
// it names none) and channel.
func (c *Core) Target(routed string) (platform, channel string) {
	return splitTarget(routed, c.o.DefaultPlatform)
}
