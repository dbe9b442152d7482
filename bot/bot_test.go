package bot_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/bottest"
	"github.com/wattson-dev/wattson/bot/investigation"
	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/store"
)

func TestAlertOncePerRegression(t *testing.T) {
	f := bottest.New(t, bottest.Options{})
	ctx := t.Context()
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			if _, _, err := f.Bot.Alert(ctx, bot.AlertInput{Regression: bottest.Regression(), Samples: bottest.Series(), Cores: 3}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	r, posted, err := f.Bot.Alert(ctx, bot.AlertInput{Regression: bottest.Regression()})
	if err != nil || posted {
		t.Fatalf("second alert: posted=%v err=%v", posted, err)
	}
	posts, _ := f.Chat.Snapshot()
	if len(posts) != 1 {
		t.Fatalf("got %d posts, want exactly one alert", len(posts))
	}
	p := posts[0]
	if p.Ref.Channel != "#checkout-perf" || p.Thread != "" {
		t.Errorf("alert went to %q thread %q, want top level in #checkout-perf", p.Ref.Channel, p.Thread)
	}
	if r.Thread != p.Ref || r.ID != "R-1" {
		t.Errorf("stored regression %s has thread %+v, want %+v", r.ID, r.Thread, p.Ref)
	}
	if p.Msg.Image == nil || len(p.Msg.Image.PNG) == 0 || len(p.Msg.Buttons) != 2 {
		t.Errorf("alert has image %v and %d buttons, want a chart and Investigate/Dismiss", p.Msg.Image != nil, len(p.Msg.Buttons))
	}
	if !strings.Contains(p.Msg.Fields[len(p.Msg.Fields)-1].Value, "30 W") {
		t.Errorf("alert fields %+v lack the watts estimate", p.Msg.Fields)
	}
}

func TestDismissNeedsApprover(t *testing.T) {
	f := bottest.New(t, bottest.Options{})
	ctx := t.Context()
	r, _, err := f.Bot.Alert(ctx, bot.AlertInput{Regression: bottest.Regression(), Cores: 3})
	if err != nil {
		t.Fatal(err)
	}
	click := bot.Event{Kind: bot.EventButton, Platform: "test", Channel: "#checkout-perf", User: "UMALLORY", Action: bot.ActionDismiss, RecordID: r.ID, Thread: r.Thread.MessageID}
	reply := f.Bot.Handle(ctx, click)
	if !reply.Private || !strings.Contains(reply.Text, "can't dismiss R-1") {
		t.Fatalf("non-approver got %+v, want a private refusal", reply)
	}
	got, _ := f.Store.GetRegression(ctx, r.ID)
	if got.Status != store.RegressionOpen {
		t.Fatalf("refused dismiss changed status to %s", got.Status)
	}
	evs, _ := f.Store.ListAudit(ctx, r.ID, 0)
	if last := evs[len(evs)-1]; last.Action != "dismiss" || last.Allowed || last.Actor != "UMALLORY" {
		t.Fatalf("last audit %+v, want a refused dismiss by UMALLORY", last)
	}
	click.User, click.ID = "UBOB", "click-2"
	click.Groups = []string{"SPERF"}
	reply = f.Bot.Handle(ctx, click)
	if reply.Private || !strings.Contains(reply.Text, "dismissed R-1") {
		t.Fatalf("group approver got %+v", reply)
	}
	if again := f.Bot.Handle(ctx, click); !again.IsZero() {
		t.Fatalf("duplicate delivery answered %+v, want nothing", again)
	}
	got, _ = f.Store.GetRegression(ctx, r.ID)
	if got.Status != store.RegressionDismissed {
		t.Fatalf("status %s, want dismissed", got.Status)
	}
	_, updates := f.Chat.Snapshot()
	if len(updates) != 1 || len(updates[0].Msg.Buttons) != 0 {
		t.Fatalf("alert updates %+v, want one redraw without buttons", updates)
	}
	if fs := updates[0].Msg.Fields; len(fs) == 0 || !strings.Contains(fs[len(fs)-1].Value, "30 W") {
		t.Errorf("redrawn alert fields %+v lost the cost estimate", fs)
	}
}

func TestInvestigateAndApproveBoundToVersion(t *testing.T) {
	f := bottest.New(t, bottest.Options{})
	ctx := t.Context()
	r, _, err := f.Bot.Alert(ctx, bot.AlertInput{Regression: bottest.Regression()})
	if err != nil {
		t.Fatal(err)
	}
	reply := f.Bot.Handle(ctx, bot.Event{Kind: bot.EventCommand, Platform: "test", Channel: "C1", User: "UMALLORY", Text: "investigate " + r.ID})
	if !strings.Contains(reply.Text, "Investigating R-1") {
		t.Fatalf("investigate reply %+v", reply)
	}
	job, err := f.Store.Dequeue(ctx, "t", 0)
	if err != nil {
		t.Fatal(err)
	}
	if mine, err := f.Worker.RunJob(ctx, *job); !mine || err != nil {
		t.Fatalf("RunJob: mine=%v err=%v", mine, err)
	}
	posts, updates := f.Chat.Snapshot()
	// alert, progress, findings, proposal
	if len(posts) != 4 {
		t.Fatalf("got %d posts, want alert, progress, findings, proposal: %+v", len(posts), posts)
	}
	for _, p := range posts[1:] {
		if p.Thread != r.Thread.MessageID {
			t.Errorf("bottest.Post %q not in the alert's thread", p.Msg.Title)
		}
	}
	progressEdits := 0
	for _, u := range updates {
		if u.Ref == posts[1].Ref {
			progressEdits++
		}
	}
	if progressEdits != 3 {
		t.Errorf("progress message edited %d times, want 2 steps + done", progressEdits)
	}
	// The alert, posted without a cost, is redrawn with the one the
	// investigation measured.
	var alert bot.Message
	for _, u := range updates {
		if u.Ref == r.Thread {
			alert = u.Msg
		}
	}
	if len(alert.Fields) == 0 || !strings.Contains(alert.Fields[len(alert.Fields)-1].Value, "15 W") {
		t.Errorf("alert redrawn with fields %+v, want the investigation's 1.5 cores ≈ 15 W", alert.Fields)
	}
	prop := posts[3].Msg
	if len(prop.Buttons) != 2 || prop.Buttons[0].Value() != "P-1@1" {
		t.Fatalf("proposal buttons %+v, want Approve/Reject bound to P-1@1", prop.Buttons)
	}

	// Someone edits the proposal after it was shown: the old button must
	// not approve the new content.
	p, _ := f.Store.GetProposal(ctx, "P-1")
	p.Title, p.Revision = "Revert two commits", p.Revision+1
	if err := f.Store.UpdateProposal(ctx, p); err != nil {
		t.Fatal(err)
	}
	click := bot.Event{Kind: bot.EventButton, Platform: "test", Channel: "C1", User: "UALICE", Action: bot.ActionApprove, RecordID: "P-1", Version: 1, Thread: posts[3].Ref.MessageID}
	reply = f.Bot.Handle(ctx, click)
	if !strings.Contains(reply.Text, "changed since it was shown") {
		t.Fatalf("stale approve got %+v", reply)
	}
	posts, _ = f.Chat.Snapshot()
	reshown := posts[len(posts)-1].Msg
	if len(reshown.Buttons) != 2 || reshown.Buttons[0].Value() != "P-1@2" {
		t.Fatalf("re-shown proposal buttons %+v, want P-1@2", reshown.Buttons)
	}
	click.Version = 2
	if reply = f.Bot.Handle(ctx, click); !reply.IsZero() || !f.Said("approved P-1 (v2)") {
		t.Fatalf("approve got %+v, want the approval told in the thread", reply)
	}
	p, _ = f.Store.GetProposal(ctx, "P-1")
	if p.Status != store.ProposalApproved || p.DecidedBy != "UALICE" {
		t.Fatalf("proposal %+v, want approved by UALICE", p)
	}
	r2, _ := f.Store.GetRegression(ctx, r.ID)
	if r2.Status != store.RegressionMitigating {
		t.Errorf("regression status %s, want mitigating", r2.Status)
	}
	evs, _ := f.Store.ListAudit(ctx, "P-1", 0)
	var actions []string
	for _, e := range evs {
		actions = append(actions, e.Action+map[bool]string{true: "", false: "(refused)"}[e.Allowed])
	}
	if got := strings.Join(actions, ","); got != "show,approve(refused),show,approve" {
		t.Errorf("audit of P-1: %s", got)
	}
}

func TestApprovalExpires(t *testing.T) {
	f := bottest.New(t, bottest.Options{Approvers: []bot.ApproverRule{{Channel: "C1", Users: []string{"UALICE"}}}})
	ctx := t.Context()
	p := store.Proposal{Kind: store.ProposalFix, Target: "hot.go", Title: "Cache the regexp", Status: store.ProposalProposed}
	if err := f.Store.CreateProposal(ctx, &p); err != nil {
		t.Fatal(err)
	}
	if err := f.Proposals.Show(ctx, p, store.ThreadRef{Platform: "test", Channel: "C1"}); err != nil {
		t.Fatal(err)
	}
	f.Clock.Add(73 * time.Hour)
	reply := f.Bot.Handle(ctx, bot.Event{Kind: bot.EventCommand, Platform: "test", Channel: "C1", User: "UALICE", Text: "approve P-1"})
	if !strings.Contains(reply.Text, "expired") {
		t.Fatalf("late approve got %+v", reply)
	}
	f.Bot.Handle(ctx, bot.Event{Kind: bot.EventCommand, Platform: "test", Channel: "C1", User: "UALICE", Text: "approve P-1"})
	if !f.Said("approved P-1 (v1)") {
		t.Fatal("approve after re-show not told")
	}
	// Approved by command, not by a click: both cards shown lose their
	// Approve and Reject buttons all the same; Roll back is all they offer.
	posts, updates := f.Chat.Snapshot()
	redrawn := map[store.ThreadRef]bot.Message{}
	for _, u := range updates {
		redrawn[u.Ref] = u.Msg
	}
	cards := 0
	for _, p := range posts {
		if p.Msg.Title == "" || !strings.Contains(p.Msg.Title, "Cache the regexp") {
			continue
		}
		cards++
		if m, ok := redrawn[p.Ref]; !ok || len(m.Buttons) != 1 || m.Buttons[0].Action != bot.ActionRollback {
			t.Errorf("card %s not redrawn with only Roll back after a command approval: %+v", p.Ref.MessageID, m)
		}
	}
	if cards != 2 {
		t.Errorf("%d cards posted, want the first and the re-shown one", cards)
	}
}

func TestUnderstand(t *testing.T) {
	services := []string{"checkout", "search"}
	cases := map[string]bot.Understanding{
		"why did checkout CPU go up yesterday?":   {Service: "checkout", Metric: "cpu", Since: "yesterday"},
		"is search slower since monday":           {Service: "search", Metric: "latency", Since: "since monday"},
		"what happened to R-12":                   {RegressionID: "R-12"},
		"checkout memory in the last 3 days, pls": {Service: "checkout", Metric: "memory", Since: "last 3 days"},
		"hello there": {},
		"why did checkout cpu go up since the 14:00 deploy?": {Service: "checkout", Metric: "cpu", Since: "since the 14:00 deploy"},
	}
	for in, want := range cases {
		if got := bot.Understand(in, services); got != want {
			t.Errorf("bot.Understand(%q) = %+v, want %+v", in, got, want)
		}
	}
}

func TestMentionStartsInvestigation(t *testing.T) {
	f := bottest.New(t, bottest.Options{})
	ctx := t.Context()
	r, _, err := f.Bot.Alert(ctx, bot.AlertInput{Regression: bottest.Regression()})
	if err != nil {
		t.Fatal(err)
	}
	reply := f.Bot.Handle(ctx, bot.Event{Kind: bot.EventMention, Platform: "test", Channel: "C1", User: "U1", Text: "why did checkout CPU go up yesterday?"})
	if !strings.Contains(reply.Text, "That looks like R-1: checkout went") || !strings.Contains(reply.Text, "Investigating R-1 (I-1)") {
		t.Fatalf("mention reply %+v", reply)
	}
	got, _ := f.Store.GetRegression(ctx, r.ID)
	if got.Status != store.RegressionInvestigating {
		t.Errorf("status %s, want investigating", got.Status)
	}
	reply = f.Bot.Handle(ctx, bot.Event{Kind: bot.EventMention, Platform: "test", Channel: "C1", User: "U1", Text: "how are you"})
	if !strings.Contains(reply.Text, "I know about checkout") {
		t.Errorf("vague mention reply %+v", reply)
	}
}

func TestCommandsReplyForUsers(t *testing.T) {
	f := bottest.New(t, bottest.Options{})
	ctx := t.Context()
	for text, want := range map[string]string{
		"":              "/wattson investigate",
		"aprove P-1":    `Did you mean "approve"`,
		"status R-9":    "There is no regression R-9",
		"list":          "Nothing open",
		"digest":        "Regressions caught",
		"approve P-404": "There is no proposal P-404",
	} {
		m := f.Bot.Handle(ctx, bot.Event{Kind: bot.EventCommand, Platform: "test", Channel: "C1", User: "U1", Text: text})
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
	f := bottest.New(t, bottest.Options{})
	ctx := t.Context()
	r, _, err := f.Bot.Alert(ctx, bot.AlertInput{Regression: bottest.Regression()})
	if err != nil {
		t.Fatal(err)
	}
	r.Status = store.RegressionResolved
	r.WentAway = true
	if err := f.Bot.RegressionWentAway(ctx, r); err != nil {
		t.Fatal(err)
	}
	posts, updates := f.Chat.Snapshot()
	if len(posts) != 2 || posts[1].Thread != r.Thread.MessageID || !strings.Contains(posts[1].Msg.Text, "resolved") {
		t.Fatalf("posts = %+v, want the alert and one thread reply saying resolved", posts)
	}
	if len(updates) != 1 || len(updates[0].Msg.Buttons) != 0 {
		t.Errorf("updates = %+v, want the alert redrawn without buttons", updates)
	}
}

func TestRunStopsCleanlyWhenCancelled(t *testing.T) {
	f := bottest.New(t, bottest.Options{})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.Worker.Run(ctx) }()
	time.Sleep(50 * time.Millisecond) // let it block in Dequeue
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v, want nil after cancel", err)
	}
}

// TestListShowsEveryRegressionNotClosed: a regression being mitigated (its
// revert approved, not merged) is still listed.
func TestListShowsEveryRegressionNotClosed(t *testing.T) {
	f := bottest.New(t, bottest.Options{})
	ctx := t.Context()
	r, _, err := f.Bot.Alert(ctx, bot.AlertInput{Regression: bottest.Regression()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.ChangeRegression(ctx, f.Store, r.ID, func(r *store.Regression) error { r.Status = store.RegressionMitigating; return nil }); err != nil {
		t.Fatal(err)
	}
	m := f.Bot.Handle(ctx, bot.Event{Kind: bot.EventCommand, Platform: "test", Channel: "C1", User: "U1", Text: "list"})
	if !strings.Contains(m.Text, r.ID) || !strings.Contains(m.Text, "mitigating") {
		t.Errorf("list = %q, want %s listed as mitigating", m.Text, r.ID)
	}
}

// TestNewRegressionIsInvestigatedAtOnce: the scheduler's notice of a new
// regression posts its alert and queues its investigation (trigger alert)
// with no click; a second notice, on this replica or another, queues none.
func TestNewRegressionIsInvestigatedAtOnce(t *testing.T) {
	f := bottest.New(t, bottest.Options{})
	other := f.Replica(t, "replica-2", nil)
	ctx := t.Context()
	series := detector.Series{Values: []float64{1, 1, 2, 2}, Times: []int64{0, 60, 120, 180}}
	if err := f.Bot.RegressionOpened(ctx, bottest.Regression(), series); err != nil {
		t.Fatal(err)
	}
	r, err := f.Store.GetRegression(ctx, "R-1")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []*bottest.Fixture{f, other} {
		if err := b.Bot.RegressionOpened(ctx, *r, series); err != nil {
			t.Fatal(err)
		}
	}
	if kinds := f.Drain(t); len(kinds) != 1 || kinds[0] != investigation.JobInvestigate {
		t.Fatalf("jobs run %v, want the one investigation", kinds)
	}
	invs, _ := f.Store.ListInvestigations(ctx, store.ListOptions{})
	if len(invs) != 1 || invs[0].Trigger != store.TriggerAlert || invs[0].Thread.MessageID != "" && invs[0].Thread != r.Thread {
		t.Fatalf("investigations %+v, want one, triggered by the alert", invs)
	}
	if ps, _ := f.Store.ListProposals(ctx, store.ListOptions{}); len(ps) != 1 {
		t.Errorf("%d proposals, want 1", len(ps))
	}
	// The response times are exported as they happen.
	mfs, _ := f.Registry.Gather()
	stages := map[string]uint64{}
	for _, mf := range mfs {
		if mf.GetName() == "wattson_response_seconds" {
			for _, m := range mf.GetMetric() {
				stages[m.GetLabel()[0].GetValue()] = m.GetHistogram().GetSampleCount()
			}
		}
	}
	if stages[bot.StageDetect] != 1 || stages[bot.StageCulprit] != 1 || stages[bot.StageProposal] != 1 {
		t.Errorf("response samples by stage %v, want one each of detect, culprit and proposal", stages)
	}
	manual := bottest.New(t, bottest.Options{AutoInvestigate: func(store.Regression) bool { return false }})
	if err := manual.Bot.RegressionOpened(ctx, bottest.Regression(), series); err != nil {
		t.Fatal(err)
	}
	if kinds := manual.Drain(t); len(kinds) != 0 {
		t.Errorf("with investigate: manual, jobs %v ran, want none", kinds)
	}
}

// downStore is a store whose idempotency keys cannot be written, as when
// Redis is down.
type downStore struct{ store.Store }

func (downStore) Remember(context.Context, string, time.Duration) (bool, error) {
	return false, errors.New("dial tcp 127.0.0.1:6379: connect: connection refused")
}

// TestStoreDownIsToldPlainly: with the store unreachable, a command is not
// acted on and the user is told why, not given an internal error.
func TestStoreDownIsToldPlainly(t *testing.T) {
	f := bottest.New(t, bottest.Options{})
	down := f.With(t, func(o *bottest.Options) { o.Store = downStore{f.Store} })
	m := down.Bot.Handle(t.Context(), bot.Event{Kind: bot.EventCommand, ID: "c1", Platform: "test", Channel: "C1", User: "UALICE", Text: "dismiss R-1"})
	if !m.Private || !strings.Contains(m.Text, "storage is unavailable") || strings.Contains(m.Text, "internal error") {
		t.Errorf("reply %+v, want a private note that the storage is unavailable", m)
	}
}

// TestInvestigateButtonOnlyWhileOpen: the alert offers Investigate while
// nobody investigates it; once an investigation runs or proposed a fix,
// only Dismiss stays.
func TestInvestigateButtonOnlyWhileOpen(t *testing.T) {
	for status, want := range map[store.RegressionStatus]string{
		store.RegressionOpen: "investigate,dismiss", store.RegressionInvestigating: "dismiss",
		store.RegressionProposed: "dismiss", store.RegressionMitigating: "",
	} {
		r := bottest.Regression()
		r.ID, r.Status = "R-1", status
		var got []string
		for _, b := range bot.AlertMessage(r, bot.MetricInfo{}, 0, 0, nil).Buttons {
			got = append(got, string(b.Action))
		}
		if strings.Join(got, ",") != want {
			t.Errorf("%s: buttons %v, want %q", status, got, want)
		}
	}
}

// TestAlertNamesTheFunction: a regression found in the profiles names its
// function in the alert; a service-level one has no such field.
func TestAlertNamesTheFunction(t *testing.T) {
	r := bottest.Regression()
	r.ID = "R-1"
	hasField := func(m bot.Message) string {
		for _, f := range m.Fields {
			if f.Name == "Function" {
				return f.Value
			}
		}
		return ""
	}
	if v := hasField(bot.AlertMessage(r, bot.MetricInfo{}, 0, 0, nil)); v != "" {
		t.Errorf("service-level alert has a Function field %q", v)
	}
	r.Function, r.ServicePct = "main.computePrice", 0.8
	if v := hasField(bot.AlertMessage(r, bot.MetricInfo{}, 0, 0, nil)); v != "`main.computePrice` (+0.80% of the service's CPU)" {
		t.Errorf("function-level alert: Function field %q", v)
	}
}

// TestAlertSaysThePartialData: a regression found in a partial response
// (Thanos, Mimir) says so in its alert; a complete one does not.
func TestAlertSaysThePartialData(t *testing.T) {
	r := bottest.Regression()
	r.ID = "R-1"
	field := func(m bot.Message) string {
		for _, f := range m.Fields {
			if strings.Contains(f.Name, "Partial data") {
				return f.Value
			}
		}
		return ""
	}
	if v := field(bot.AlertMessage(r, bot.MetricInfo{}, 0, 0, nil)); v != "" {
		t.Errorf("complete data: partial-data field %q", v)
	}
	r.DataWarnings = []string{"partial response: store gateway 2 unavailable"}
	if v := field(bot.AlertMessage(r, bot.MetricInfo{}, 0, 0, nil)); !strings.Contains(v, "store gateway 2 unavailable") {
		t.Errorf("partial data: field %q does not hold the warning", v)
	}
}

// TestAlertRecordedWhenShutDownRightAfterPosting: the replica is told to
// stop just as the alert went out; the regression still records its
// thread, so no later tick (on any replica) posts a second alert.
func TestAlertRecordedWhenShutDownRightAfterPosting(t *testing.T) {
	f := bottest.New(t, bottest.Options{})
	ctx, cancel := context.WithCancel(t.Context())
	f.Chat.AfterPost = cancel
	r, posted, err := f.Bot.Alert(ctx, bot.AlertInput{Regression: bottest.Regression()})
	if !posted {
		t.Fatalf("not posted: %v", err)
	}
	got, gerr := f.Store.GetRegression(t.Context(), r.ID)
	if gerr != nil || got.Thread.MessageID == "" {
		t.Errorf("after a shutdown right after the post (alert err %v), %s has no thread (%v): a later tick would alert again", err, r.ID, gerr)
	}
}
