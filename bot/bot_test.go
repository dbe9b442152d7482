package bot

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/bolt"
)

// recordingChat is a Chat that keeps what the bot posts and edits.
type recordingChat struct {
	mu      sync.Mutex
	n       int
	posts   []post
	updates []post
}

type post struct {
	ref    store.ThreadRef
	thread string
	msg    Message
}

func (c *recordingChat) Post(_ context.Context, channel, thread string, m Message) (store.ThreadRef, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	ref := store.ThreadRef{Platform: "test", Channel: channel, MessageID: "m" + string(rune('0'+c.n%10)) + "-" + time.Duration(c.n).String()}
	c.posts = append(c.posts, post{ref, thread, m})
	return ref, nil
}

func (c *recordingChat) Update(_ context.Context, ref store.ThreadRef, m Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.updates = append(c.updates, post{ref, "", m})
	return nil
}

func (c *recordingChat) snapshot() ([]post, []post) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]post(nil), c.posts...), append([]post(nil), c.updates...)
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fixedInvestigator returns the same findings every time, reporting steps.
type fixedInvestigator struct{ f Findings }

func (fi fixedInvestigator) Investigate(_ context.Context, q Question, progress func(string)) (Findings, error) {
	for _, s := range fi.f.Steps {
		progress(s.Skill + ": " + s.Summary)
	}
	return fi.f, nil
}

type fixture struct {
	bot   *Bot
	st    store.Store
	chat  *recordingChat
	clock *clock
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	clk := &clock{t: time.Date(2025, 6, 4, 12, 0, 0, 0, time.UTC)}
	st, err := bolt.Open(filepath.Join(t.TempDir(), "wattson.db"), bolt.Options{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	chat := &recordingChat{}
	b, err := New(Options{
		Store:           st,
		Chats:           map[string]Chat{"test": chat},
		DefaultPlatform: "test",
		Routes:          []Route{{Match: map[string]string{"service": "checkout"}, Channel: "#checkout-perf"}},
		DefaultChannel:  "#perf",
		Approvers:       []ApproverRule{{Service: "checkout", Users: []string{"UALICE"}, Groups: []string{"SPERF"}}},
		Investigator: fixedInvestigator{Findings{
			Steps:     []store.Step{{Skill: "deploys_in_window", Summary: "1 deploy"}, {Skill: "rank_suspects", Summary: "abc123 first"}},
			Suspects:  []store.Suspect{{Commit: "abc1234567890", Title: "Compile regexp per request", Score: 0.9, Evidence: []string{"regexp.Compile is 30% of CPU after"}}},
			Verdict:   "abc1234 compiles a regexp per request.",
			Proposals: []store.Proposal{{Kind: store.ProposalRevert, Target: "abc1234567890", Title: "Revert \"Compile regexp per request\""}},
			Cores:     1.5,
		}},
		Now:        clk.now,
		Registerer: prometheus.NewRegistry(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{b, st, chat, clk}
}

func testRegression() store.Regression {
	change := time.Date(2025, 6, 3, 9, 0, 0, 0, time.UTC)
	key := store.SeriesKey("cpu_per_request", map[string]string{"service": "checkout"})
	return store.Regression{
		Fingerprint: detector.Fingerprint(key, detector.Change{Time: change, Direction: detector.Up}),
		Service:     "checkout", Metric: "cpu_per_request", Labels: map[string]string{"service": "checkout"},
		SeriesKey: key, ChangeTime: change, Before: 0.010, After: 0.0125, Pct: 25, Confidence: 0.999,
		Direction: store.DirectionUp,
	}
}

func samples() []Point {
	var ps []Point
	t0 := time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)
	for i := range 48 {
		v := 0.010
		if i >= 24 {
			v = 0.0125
		}
		ps = append(ps, Point{t0.Add(time.Duration(i) * time.Hour), v + float64(i%3)*0.0002})
	}
	return ps
}

func TestAlertOncePerRegression(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			if _, _, err := f.bot.Alert(ctx, AlertInput{Regression: testRegression(), Samples: samples(), Cores: 3}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	r, posted, err := f.bot.Alert(ctx, AlertInput{Regression: testRegression()})
	if err != nil || posted {
		t.Fatalf("second alert: posted=%v err=%v", posted, err)
	}
	posts, _ := f.chat.snapshot()
	if len(posts) != 1 {
		t.Fatalf("got %d posts, want exactly one alert", len(posts))
	}
	p := posts[0]
	if p.ref.Channel != "#checkout-perf" || p.thread != "" {
		t.Errorf("alert went to %q thread %q, want top level in #checkout-perf", p.ref.Channel, p.thread)
	}
	if r.Thread != p.ref || r.ID != "R-1" {
		t.Errorf("stored regression %s has thread %+v, want %+v", r.ID, r.Thread, p.ref)
	}
	if p.msg.Image == nil || len(p.msg.Image.PNG) == 0 || len(p.msg.Buttons) != 2 {
		t.Errorf("alert has image %v and %d buttons, want a chart and Investigate/Dismiss", p.msg.Image != nil, len(p.msg.Buttons))
	}
	if !strings.Contains(p.msg.Fields[len(p.msg.Fields)-1].Value, "30 W") {
		t.Errorf("alert fields %+v lack the watts estimate", p.msg.Fields)
	}
}

func TestDismissNeedsApprover(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	r, _, err := f.bot.Alert(ctx, AlertInput{Regression: testRegression(), Cores: 3})
	if err != nil {
		t.Fatal(err)
	}
	click := Event{Kind: EventButton, Platform: "test", Channel: "#checkout-perf", User: "UMALLORY", Action: ActionDismiss, RecordID: r.ID, Thread: r.Thread.MessageID}
	reply := f.bot.Handle(ctx, click)
	if !reply.Private || !strings.Contains(reply.Text, "can't dismiss R-1") {
		t.Fatalf("non-approver got %+v, want a private refusal", reply)
	}
	got, _ := f.st.GetRegression(ctx, r.ID)
	if got.Status != store.RegressionOpen {
		t.Fatalf("refused dismiss changed status to %s", got.Status)
	}
	evs, _ := f.st.ListAudit(ctx, r.ID, 0)
	if last := evs[len(evs)-1]; last.Action != "dismiss" || last.Allowed || last.Actor != "UMALLORY" {
		t.Fatalf("last audit %+v, want a refused dismiss by UMALLORY", last)
	}
	click.User, click.ID = "UBOB", "click-2"
	click.Groups = []string{"SPERF"}
	reply = f.bot.Handle(ctx, click)
	if reply.Private || !strings.Contains(reply.Text, "dismissed R-1") {
		t.Fatalf("group approver got %+v", reply)
	}
	if again := f.bot.Handle(ctx, click); !again.IsZero() {
		t.Fatalf("duplicate delivery answered %+v, want nothing", again)
	}
	got, _ = f.st.GetRegression(ctx, r.ID)
	if got.Status != store.RegressionDismissed {
		t.Fatalf("status %s, want dismissed", got.Status)
	}
	_, updates := f.chat.snapshot()
	if len(updates) != 1 || len(updates[0].msg.Buttons) != 0 {
		t.Fatalf("alert updates %+v, want one redraw without buttons", updates)
	}
	if fs := updates[0].msg.Fields; len(fs) == 0 || !strings.Contains(fs[len(fs)-1].Value, "30 W") {
		t.Errorf("redrawn alert fields %+v lost the cost estimate", fs)
	}
}

func TestInvestigateAndApproveBoundToVersion(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	r, _, err := f.bot.Alert(ctx, AlertInput{Regression: testRegression()})
	if err != nil {
		t.Fatal(err)
	}
	reply := f.bot.Handle(ctx, Event{Kind: EventCommand, Platform: "test", Channel: "C1", User: "UMALLORY", Text: "investigate " + r.ID})
	if !strings.Contains(reply.Text, "Investigating R-1") {
		t.Fatalf("investigate reply %+v", reply)
	}
	job, err := f.st.Dequeue(ctx, "t", 0)
	if err != nil {
		t.Fatal(err)
	}
	if mine, err := f.bot.RunJob(ctx, *job); !mine || err != nil {
		t.Fatalf("RunJob: mine=%v err=%v", mine, err)
	}
	posts, updates := f.chat.snapshot()
	// alert, progress, findings, proposal
	if len(posts) != 4 {
		t.Fatalf("got %d posts, want alert, progress, findings, proposal: %+v", len(posts), posts)
	}
	for _, p := range posts[1:] {
		if p.thread != r.Thread.MessageID {
			t.Errorf("post %q not in the alert's thread", p.msg.Title)
		}
	}
	progressEdits := 0
	for _, u := range updates {
		if u.ref == posts[1].ref {
			progressEdits++
		}
	}
	if progressEdits != 3 {
		t.Errorf("progress message edited %d times, want 2 steps + done", progressEdits)
	}
	// The alert, posted without a cost, is redrawn with the one the
	// investigation measured.
	var alert Message
	for _, u := range updates {
		if u.ref == r.Thread {
			alert = u.msg
		}
	}
	if len(alert.Fields) == 0 || !strings.Contains(alert.Fields[len(alert.Fields)-1].Value, "15 W") {
		t.Errorf("alert redrawn with fields %+v, want the investigation's 1.5 cores ≈ 15 W", alert.Fields)
	}
	prop := posts[3].msg
	if len(prop.Buttons) != 2 || prop.Buttons[0].Value() != "P-1@1" {
		t.Fatalf("proposal buttons %+v, want Approve/Reject bound to P-1@1", prop.Buttons)
	}

	// Someone edits the proposal after it was shown: the old button must
	// not approve the new content.
	p, _ := f.st.GetProposal(ctx, "P-1")
	p.Title = "Revert two commits"
	if err := f.st.UpdateProposal(ctx, p); err != nil {
		t.Fatal(err)
	}
	click := Event{Kind: EventButton, Platform: "test", Channel: "C1", User: "UALICE", Action: ActionApprove, RecordID: "P-1", Version: 1, Thread: posts[3].ref.MessageID}
	reply = f.bot.Handle(ctx, click)
	if !strings.Contains(reply.Text, "changed since it was shown") {
		t.Fatalf("stale approve got %+v", reply)
	}
	posts, _ = f.chat.snapshot()
	reshown := posts[len(posts)-1].msg
	if len(reshown.Buttons) != 2 || reshown.Buttons[0].Value() != "P-1@2" {
		t.Fatalf("re-shown proposal buttons %+v, want P-1@2", reshown.Buttons)
	}
	click.Version = 2
	reply = f.bot.Handle(ctx, click)
	if !strings.Contains(reply.Text, "approved P-1 (v2)") {
		t.Fatalf("approve got %+v", reply)
	}
	p, _ = f.st.GetProposal(ctx, "P-1")
	if p.Status != store.ProposalApproved || p.DecidedBy != "UALICE" {
		t.Fatalf("proposal %+v, want approved by UALICE", p)
	}
	r2, _ := f.st.GetRegression(ctx, r.ID)
	if r2.Status != store.RegressionMitigating {
		t.Errorf("regression status %s, want mitigating", r2.Status)
	}
	evs, _ := f.st.ListAudit(ctx, "P-1", 0)
	var actions []string
	for _, e := range evs {
		actions = append(actions, e.Action+map[bool]string{true: "", false: "(refused)"}[e.Allowed])
	}
	if got := strings.Join(actions, ","); got != "show,card,approve(refused),show,card,approve" {
		t.Errorf("audit of P-1: %s", got)
	}
}

func TestApprovalExpires(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	p := store.Proposal{Kind: store.ProposalFix, Target: "hot.go", Title: "Cache the regexp", Status: store.ProposalProposed}
	if err := f.st.CreateProposal(ctx, &p); err != nil {
		t.Fatal(err)
	}
	if err := f.bot.showProposal(ctx, p, store.ThreadRef{Platform: "test", Channel: "C1"}); err != nil {
		t.Fatal(err)
	}
	f.bot.o.Approvers = append(f.bot.o.Approvers, ApproverRule{Channel: "C1", Users: []string{"UALICE"}})
	f.clock.add(73 * time.Hour)
	reply := f.bot.Handle(ctx, Event{Kind: EventCommand, Platform: "test", Channel: "C1", User: "UALICE", Text: "approve P-1"})
	if !strings.Contains(reply.Text, "expired") {
		t.Fatalf("late approve got %+v", reply)
	}
	reply = f.bot.Handle(ctx, Event{Kind: EventCommand, Platform: "test", Channel: "C1", User: "UALICE", Text: "approve P-1"})
	if !strings.Contains(reply.Text, "approved P-1 (v1)") {
		t.Fatalf("approve after re-show got %+v", reply)
	}
	// Approved by command, not by a click: both cards shown lose their
	// buttons all the same.
	posts, updates := f.chat.snapshot()
	redrawn := map[store.ThreadRef]Message{}
	for _, u := range updates {
		redrawn[u.ref] = u.msg
	}
	cards := 0
	for _, p := range posts {
		if p.msg.Title == "" || !strings.Contains(p.msg.Title, "Cache the regexp") {
			continue
		}
		cards++
		if m, ok := redrawn[p.ref]; !ok || len(m.Buttons) != 0 {
			t.Errorf("card %s not redrawn without buttons after a command approval: %+v", p.ref.MessageID, m)
		}
	}
	if cards != 2 {
		t.Errorf("%d cards posted, want the first and the re-shown one", cards)
	}
}

func TestUnderstand(t *testing.T) {
	services := []string{"checkout", "search"}
	cases := map[string]Understanding{
		"why did checkout CPU go up yesterday?":   {Service: "checkout", Metric: "cpu", Since: "yesterday"},
		"is search slower since monday":           {Service: "search", Metric: "latency", Since: "since monday"},
		"what happened to R-12":                   {RegressionID: "R-12"},
		"checkout memory in the last 3 days, pls": {Service: "checkout", Metric: "memory", Since: "last 3 days"},
		"hello there": {},
	}
	for in, want := range cases {
		if got := Understand(in, services); got != want {
			t.Errorf("Understand(%q) = %+v, want %+v", in, got, want)
		}
	}
}

func TestMentionStartsInvestigation(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	r, _, err := f.bot.Alert(ctx, AlertInput{Regression: testRegression()})
	if err != nil {
		t.Fatal(err)
	}
	reply := f.bot.Handle(ctx, Event{Kind: EventMention, Platform: "test", Channel: "C1", User: "U1", Text: "why did checkout CPU go up yesterday?"})
	if !strings.Contains(reply.Text, "checkout cpu (R-1)") {
		t.Fatalf("mention reply %+v", reply)
	}
	got, _ := f.st.GetRegression(ctx, r.ID)
	if got.Status != store.RegressionInvestigating {
		t.Errorf("status %s, want investigating", got.Status)
	}
	reply = f.bot.Handle(ctx, Event{Kind: EventMention, Platform: "test", Channel: "C1", User: "U1", Text: "how are you"})
	if !strings.Contains(reply.Text, "I know about checkout") {
		t.Errorf("vague mention reply %+v", reply)
	}
}

func TestCommandsReplyForUsers(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	for text, want := range map[string]string{
		"":              "/wattson investigate",
		"aprove P-1":    `Did you mean "approve"`,
		"status R-9":    "There is no regression R-9",
		"list":          "Nothing open",
		"digest":        "Regressions caught",
		"approve P-404": "There is no proposal P-404",
	} {
		m := f.bot.Handle(ctx, Event{Kind: EventCommand, Platform: "test", Channel: "C1", User: "U1", Text: text})
		all := m.Title + m.Text
		for _, fl := range m.Fields {
			all += fl.Name + fl.Value
		}
		if !strings.Contains(all, want) {
			t.Errorf("/wattson %s replied %q, want it to contain %q", text, all, want)
		}
	}
}

func TestWentAwayResolvesTheThread(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	r, _, err := f.bot.Alert(ctx, AlertInput{Regression: testRegression()})
	if err != nil {
		t.Fatal(err)
	}
	r.Status = store.RegressionResolved
	r.WentAway = true
	if err := f.bot.WentAway(ctx, r); err != nil {
		t.Fatal(err)
	}
	posts, updates := f.chat.snapshot()
	if len(posts) != 2 || posts[1].thread != r.Thread.MessageID || !strings.Contains(posts[1].msg.Text, "resolved") {
		t.Fatalf("posts = %+v, want the alert and one thread reply saying resolved", posts)
	}
	if len(updates) != 1 || len(updates[0].msg.Buttons) != 0 {
		t.Errorf("updates = %+v, want the alert redrawn without buttons", updates)
	}
}

func TestRunStopsCleanlyWhenCancelled(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.bot.Run(ctx) }()
	time.Sleep(50 * time.Millisecond) // let it block in Dequeue
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v, want nil after cancel", err)
	}
}
