package bottest

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/digest"
	"github.com/wattson-dev/wattson/bot/investigation"
	"github.com/wattson-dev/wattson/bot/offense"
	"github.com/wattson-dev/wattson/bot/proposals"
	"github.com/wattson-dev/wattson/bot/worker"
	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/bolt"
	"github.com/wattson-dev/wattson/store/periodic"
	"github.com/wattson-dev/wattson/store/redis"
	"github.com/wattson-dev/wattson/store/redis/redistest"
)

// Platform is the chat platform name of a Fixture's recording chat.
const Platform = "test"

// Post is one message the bot posted or edited.
type Post struct {
	// Ref is where it landed (for an edit: the message edited).
	Ref store.ThreadRef
	// Thread is the message it was posted under; empty at top level.
	Thread string
	// Msg is the message.
	Msg bot.Message
}

// Chat is a bot.Chat that keeps what the bot posts and edits.
type Chat struct {
	// AfterPost, when set, is called after each post is recorded (to
	// shut a replica down right after a post went out).
	AfterPost func()

	mu      sync.Mutex
	n       int
	posts   []Post
	updates []Post
}

// Post records m and returns a fresh message id.
func (c *Chat) Post(_ context.Context, channel, thread string, m bot.Message) (store.ThreadRef, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	ref := store.ThreadRef{Platform: Platform, Channel: channel, MessageID: "m" + string(rune('0'+c.n%10)) + "-" + time.Duration(c.n).String()}
	c.posts = append(c.posts, Post{ref, thread, m})
	if c.AfterPost != nil {
		c.AfterPost()
	}
	return ref, nil
}

// Update records the edit of ref.
func (c *Chat) Update(_ context.Context, ref store.ThreadRef, m bot.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.updates = append(c.updates, Post{ref, "", m})
	return nil
}

// Snapshot returns the posts and edits so far.
func (c *Chat) Snapshot() (posts, updates []Post) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Post(nil), c.posts...), append([]Post(nil), c.updates...)
}

// Clock is a settable test clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock reading t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now reads the clock.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// FixedInvestigator returns the same findings every time, reporting their
// steps as progress.
type FixedInvestigator struct{ F bot.Findings }

// Investigate returns the findings.
func (fi FixedInvestigator) Investigate(_ context.Context, q bot.Question, progress func(bot.Progress)) (bot.Findings, error) {
	for _, s := range fi.F.Steps {
		progress(bot.Progress{Text: s.Skill + ": " + s.Summary, Failed: s.Error != ""})
	}
	return fi.F, nil
}

// Culprit is the findings of the default FixedInvestigator: a regexp
// compiled per request, with a revert proposed.
func Culprit() bot.Findings {
	return bot.Findings{
		Steps:     []store.Step{{Skill: "deploys_in_window", Summary: "1 deploy"}, {Skill: "rank_suspects", Summary: "abc123 first"}},
		Suspects:  []store.Suspect{{Commit: "abc1234567890", Title: "Compile regexp per request", Score: 0.9, Evidence: []string{"regexp.Compile is 30% of CPU after"}}},
		Verdict:   "abc1234 compiles a regexp per request.",
		Proposals: []store.Proposal{{Kind: store.ProposalRevert, Target: "abc1234567890", Title: "Revert \"Compile regexp per request\""}},
		Cores:     1.5,
	}
}

// Options change a Fixture; the zero value is a bot with the Culprit
// investigator, no code host and its own store.
type Options struct {
	// Store is shared with another replica; nil opens a bolt store in a
	// temporary directory.
	Store store.Store
	// Clock is shared with another replica; nil starts one at
	// 2025-06-04 12:00 UTC.
	Clock *Clock
	// Chat is shared with another replica; nil makes a new one.
	Chat *Chat
	// Owner names the replica; empty means "wattson".
	Owner string
	// Investigator replaces the Culprit one.
	Investigator bot.Investigator
	// PullRequests, Recovery and Learner are the proposals' code host,
	// recovery checker and learner.
	PullRequests proposals.PullRequests
	Recovery     proposals.RecoveryChecker
	Learner      proposals.Learner
	// Approvers are added to the default approver rule.
	Approvers []bot.ApproverRule
	// Skills lists the skills for /wattson skills.
	Skills func() []bot.SkillInfo
	// AutoInvestigate is the bot's option of that name.
	AutoInvestigate func(store.Regression) bool
	// RemindAfter is the proposals' option of that name.
	RemindAfter time.Duration
}

// Fixture is a whole bot, wired the way cmd/wattson wires it, over a
// recording chat on platform "test" (channels routed: checkout to
// #checkout-perf, the rest to #perf; approvers of checkout: UALICE and the
// group SPERF) and a settable clock.
type Fixture struct {
	opts Options

	Bot            *bot.Bot
	Core           *bot.Core
	Proposals      *proposals.Desk
	Investigations *investigation.Runner
	Offense        *offense.Offense
	Digests        *digest.Digests
	Worker         *worker.Worker
	Store          store.Store
	Chat           *Chat
	Clock          *Clock
	// Registry holds the bot's metrics.
	Registry *prometheus.Registry
}

// New builds a Fixture.
func New(t testing.TB, o Options) *Fixture {
	t.Helper()
	if o.Clock == nil {
		o.Clock = NewClock(time.Date(2025, 6, 4, 12, 0, 0, 0, time.UTC))
	}
	if o.Store == nil {
		st, err := bolt.Open(filepath.Join(t.TempDir(), "wattson.db"), bolt.Options{Now: o.Clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		o.Store = st
	}
	if o.Chat == nil {
		o.Chat = &Chat{}
	}
	if o.Investigator == nil {
		o.Investigator = FixedInvestigator{Culprit()}
	}
	f := Wire(t, bot.CoreOptions{
		Store:           o.Store,
		Chats:           map[string]bot.Chat{Platform: o.Chat},
		DefaultPlatform: Platform,
		Routes:          []bot.Route{{Match: map[string]string{"service": "checkout"}, Channel: "#checkout-perf"}},
		DefaultChannel:  "#perf",
		Approvers:       append([]bot.ApproverRule{{Service: "checkout", Users: []string{"UALICE"}, Groups: []string{"SPERF"}}}, o.Approvers...),
		Owner:           o.Owner,
		Now:             o.Clock.Now,
	}, o)
	f.opts, f.Chat, f.Clock = o, o.Chat, o.Clock
	return f
}

// Wire builds the bot and its parts over co the way cmd/wattson wires
// them, with o's investigator, code host, recovery checker, learner and
// skills; o's store, chat, clock and approvers are not used. It is what a
// chat adapter's tests build their bot with.
func Wire(t testing.TB, co bot.CoreOptions, o Options) *Fixture {
	t.Helper()
	reg := prometheus.NewRegistry()
	if co.Registerer == nil {
		co.Registerer = reg
	}
	core, err := bot.NewCore(co)
	if err != nil {
		t.Fatal(err)
	}
	f := &Fixture{Core: core, Store: co.Store, Registry: reg}
	f.Proposals = proposals.New(core, proposals.Options{PullRequests: o.PullRequests, Recovery: o.Recovery, Learner: o.Learner,
		RemindAfter: o.RemindAfter})
	f.Investigations = investigation.New(core, investigation.Options{Investigator: o.Investigator, Proposals: f.Proposals})
	f.Offense = offense.New(core, offense.Options{Proposals: f.Proposals})
	f.Digests = digest.New(core)
	if f.Worker, err = worker.New(co.Store, worker.Options{Handlers: Handlers(f.Investigations, f.Proposals),
		Owner: co.Owner, Now: co.Now, Registerer: co.Registerer}); err != nil {
		t.Fatal(err)
	}
	if f.Bot, err = bot.New(core, bot.Options{Decider: f.Proposals, Investigations: f.Investigations, Digests: f.Digests, Skills: o.Skills,
		AutoInvestigate: o.AutoInvestigate}); err != nil {
		t.Fatal(err)
	}
	return f
}

// Handlers are the job handlers of the bot's parts, as cmd/wattson wires
// them.
func Handlers(inv *investigation.Runner, desk *proposals.Desk) map[string]worker.Handler {
	return map[string]worker.Handler{
		investigation.JobInvestigate: inv.Run,
		proposals.JobPullRequest:     desk.RunPullRequest,
		proposals.JobVerifyRecovery:  desk.RunVerify,
	}
}

// Drain runs every queued job, as a worker would (retries stay pending),
// and returns their kinds in order.
func (f *Fixture) Drain(t testing.TB) []string {
	t.Helper()
	var kinds []string
	for {
		j, err := f.Store.Dequeue(context.Background(), "t", 0)
		if errors.Is(err, store.ErrNoJob) {
			return kinds
		}
		if err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, j.Kind)
		f.Worker.Work(context.Background(), *j)
	}
}

// Regression is a checkout CPU regression, not yet stored.
func Regression() store.Regression {
	change := time.Date(2025, 6, 3, 9, 0, 0, 0, time.UTC)
	key := store.SeriesKey("cpu_per_request", map[string]string{"service": "checkout"})
	return store.Regression{
		Fingerprint: detector.Fingerprint(key, detector.Change{Time: change, Direction: detector.Up}),
		Service:     "checkout", Metric: "cpu_per_request", Labels: map[string]string{"service": "checkout"},
		SeriesKey: key, ChangeTime: change, Before: 0.010, After: 0.0125, Pct: 25, Confidence: 0.999,
		Direction: store.DirectionUp,
	}
}

// Series is two days of the Regression's series, stepping up halfway.
func Series() []bot.Point {
	var ps []bot.Point
	t0 := time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)
	for i := range 48 {
		v := 0.010
		if i >= 24 {
			v = 0.0125
		}
		ps = append(ps, bot.Point{T: t0.Add(time.Duration(i) * time.Hour), V: v + float64(i%3)*0.0002})
	}
	return ps
}

// Replica builds another replica of f's bot: the same options, chat and
// clock, named owner, over st (nil: f's own store).
func (f *Fixture) Replica(t testing.TB, owner string, st store.Store) *Fixture {
	t.Helper()
	o := f.opts
	o.Owner = owner
	if st != nil {
		o.Store = st
	}
	return New(t, o)
}

// With builds f's bot again over the same store, chat and clock, with
// change applied to its options.
func (f *Fixture) With(t testing.TB, change func(*Options)) *Fixture {
	t.Helper()
	o := f.opts
	change(&o)
	return New(t, o)
}

// Tick runs the proposals' periodic job name for the clock's current
// nominal tick on this replica, as the periodic runner would, and reports
// whether it ran (false: another replica had the tick).
func (f *Fixture) Tick(t testing.TB, name string) bool {
	t.Helper()
	for _, j := range f.Proposals.Periodic() {
		if j.Name != name {
			continue
		}
		sched, err := periodic.Parse(j.Spec, nil)
		if err != nil {
			t.Fatal(err)
		}
		r := periodic.New(f.Store, periodic.Options{Owner: f.Core.Owner, Prefix: "periodic/", Now: f.Clock.Now})
		ran, err := r.RunTick(context.Background(), j, periodic.NominalTick(sched, f.Clock.Now()))
		if err != nil {
			t.Fatal(err)
		}
		return ran
	}
	t.Fatalf("no periodic job %q", name)
	return false
}

// Pair makes two replicas of a fixture's bot over one store.
type Pair func(t *testing.T, f *Fixture) (*Fixture, *Fixture)

// Pairs are the ways two replicas share a store: the fixture's embedded
// store, or each replica with its own connection to a real redis-server.
func Pairs() map[string]Pair {
	return map[string]Pair{"bolt": SharedStore, "redis": OnRedis}
}

// SharedStore is f and a second replica on f's own store.
func SharedStore(t *testing.T, f *Fixture) (*Fixture, *Fixture) {
	t.Helper()
	return f, f.Replica(t, "replica-2", nil)
}

// OnRedis is f's bot rebuilt on a real redis-server, and a second replica
// with its own connection to it.
func OnRedis(t *testing.T, f *Fixture) (*Fixture, *Fixture) {
	t.Helper()
	srv := redistest.Start(t)
	open := func() *redis.Store {
		st, err := redis.Open(t.Context(), srv.URL(), redis.Options{Now: f.Clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	return f.Replica(t, "replica-1", open()), f.Replica(t, "replica-2", open())
}

// NewPosts returns what f's chat was posted after its first n posts.
func (f *Fixture) NewPosts(n int) []Post {
	posts, _ := f.Chat.Snapshot()
	return posts[n:]
}

// CountAction counts the audit events of action in evs.
func CountAction(evs []store.AuditEvent, action string) int {
	n := 0
	for _, ev := range evs {
		if ev.Action == action {
			n++
		}
	}
	return n
}

// Said reports whether the bot posted a message whose text contains text.
func (f *Fixture) Said(text string) bool {
	posts, _ := f.Chat.Snapshot()
	for _, p := range posts {
		if strings.Contains(p.Msg.Text, text) {
			return true
		}
	}
	return false
}
