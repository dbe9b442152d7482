package discord

import (
	"crypto/ed25519"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/store"
)

func testRegression() store.Regression {
	change := time.Date(2025, 6, 3, 9, 0, 0, 0, time.UTC)
	key := store.SeriesKey("cpu_per_request", map[string]string{"service": "checkout"})
	return store.Regression{Fingerprint: detector.Fingerprint(key, detector.Change{Time: change, Direction: detector.Up}), Service: "checkout",
		Metric: "cpu_per_request", SeriesKey: key, ChangeTime: change, Before: 1, After: 1.25, Pct: 25, Confidence: 0.99}
}

func TestRegisterCommandsIsIdempotent(t *testing.T) {
	e := newEnv(t, 0, nil)
	for range 2 {
		if err := e.adapter.Register(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	puts := e.fake.callsTo("PUT", "/api/v9/applications/"+testApp+"/guilds/"+testGuild+"/commands")
	if len(puts) != 2 || puts[0].body["raw"] != puts[1].body["raw"] {
		t.Fatalf("want two identical bulk overwrites, got %d", len(puts))
	}
	if puts[0].auth != "Bot test-token" {
		t.Errorf("authorization %q", puts[0].auth)
	}
	cmd := puts[0].body["commands"].([]map[string]any)[0]
	var subs []string
	for _, o := range cmd["options"].([]any) {
		subs = append(subs, o.(map[string]any)["name"].(string))
	}
	if cmd["name"] != "wattson" || strings.Join(subs, " ") != "investigate approve reject rollback dismiss status list digest skills help" {
		t.Errorf("registered %v with subcommands %v", cmd["name"], subs)
	}
}

func TestInteractionsSignedForgedStaleReplayed(t *testing.T) {
	e := newEnv(t, 0, nil)
	r, _, err := e.bot.Alert(t.Context(), bot.AlertInput{Regression: testRegression()})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	endpoint := e.url + "/discord/interactions"

	if code, body := do(t, signed(t, endpoint, `{"id":"1","type":1,"application_id":"777","token":"t","version":1}`, e.priv, now)); code != 200 || body["type"] != 1.0 {
		t.Fatalf("ping: %d %v", code, body)
	}
	code, body := do(t, signed(t, endpoint, commandJSON("2", "ALICE", nil, "help", nil), e.priv, now))
	data, _ := body["data"].(map[string]any)
	if code != 200 || body["type"] != 4.0 || data["flags"] != 64.0 || !strings.Contains(fmt.Sprint(data), "/wattson investigate") {
		t.Fatalf("signed help: %d %v", code, body)
	}

	otherKey := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	dismiss := commandJSON("3", "ALICE", nil, "dismiss", map[string]string{"regression": r.ID})
	tampered := signed(t, endpoint, commandJSON("3", "ALICE", nil, "help", nil), e.priv, now)
	tampered.Body = io.NopCloser(strings.NewReader(dismiss))
	tampered.ContentLength = int64(len(dismiss))
	for name, req := range map[string]*http.Request{
		"forged":   signed(t, endpoint, dismiss, otherKey, now),
		"stale":    signed(t, endpoint, dismiss, e.priv, now.Add(-6*time.Minute)),
		"future":   signed(t, endpoint, dismiss, e.priv, now.Add(6*time.Minute)),
		"tampered": tampered,
		"unsigned": unsigned(t, endpoint, dismiss),
	} {
		if code, _ := do(t, req); code != 401 {
			t.Errorf("%s interaction: %d, want 401", name, code)
		}
	}
	status := commandJSON("4", "ALICE", nil, "status", map[string]string{"id": r.ID})
	first := signed(t, endpoint, status, e.priv, now)
	replay := signed(t, endpoint, status, e.priv, now)
	if code, _ := do(t, first); code != 200 {
		t.Fatalf("first status: %d", code)
	}
	if code, _ := do(t, replay); code != 401 {
		t.Errorf("replayed interaction: %d, want 401", code)
	}
	upper := signed(t, endpoint, status, e.priv, now)
	upper.Header.Set("X-Signature-Ed25519", strings.ToUpper(upper.Header.Get("X-Signature-Ed25519")))
	if code, _ := do(t, upper); code != 401 {
		t.Errorf("replayed interaction with the signature upper-cased: %d, want 401", code)
	}
	got, _ := e.st.GetRegression(t.Context(), r.ID)
	evs, _ := e.st.ListAudit(t.Context(), r.ID, 0)
	if got.Status != store.RegressionOpen || len(evs) != 1 || evs[0].Action != "alert" {
		t.Fatalf("refused interactions changed things: status %s, audit %+v", got.Status, evs)
	}
	if n := len(e.fake.callsTo("POST", "/api/v9/channels/*")); n != 2 { // the alert and its thread
		t.Errorf("refused interactions posted: %d calls", n)
	}
}

func TestAlertThreadButtonsAndApprovals(t *testing.T) {
	e := newEnv(t, 0, nil)
	ctx := t.Context()
	var samples []bot.Point
	for i := range 20 {
		samples = append(samples, bot.Point{T: time.Date(2025, 6, 3, i, 0, 0, 0, time.UTC), V: 1 + 0.25*float64(i/10)})
	}
	r, _, err := e.bot.Alert(ctx, bot.AlertInput{Regression: testRegression(), Samples: samples, Cores: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, posted, _ := e.bot.Alert(ctx, bot.AlertInput{Regression: testRegression()}); posted {
		t.Fatal("second alert for the same regression")
	}
	posts := e.fake.callsTo("POST", "/api/v9/channels/"+testChannel+"/messages")
	if len(posts) != 1 {
		t.Fatalf("alert posts %+v, want one in the routed channel", posts)
	}
	alert := posts[0]
	raw := mustJSON(alert.body)
	if len(alert.files) != 1 || alert.files[0] != "R-1.png" || !strings.Contains(raw, `"url":"attachment://R-1.png"`) {
		t.Errorf("alert lacks its chart: files %v, body %s", alert.files, raw)
	}
	for _, id := range []string{"wattson:investigate:R-1", "wattson:dismiss:R-1"} {
		if !strings.Contains(raw, `"custom_id":"`+id+`"`) {
			t.Errorf("alert lacks button %s: %s", id, raw)
		}
	}
	thread := r.Thread.MessageID
	if r.Thread.Channel != testChannel || thread == "" {
		t.Fatalf("regression thread %+v", r.Thread)
	}
	if n := len(e.fake.callsTo("POST", "/api/v9/channels/"+testChannel+"/messages/"+thread+"/threads")); n != 1 {
		t.Fatalf("%d threads started from the alert, want 1", n)
	}

	// Investigate button on the alert → progress, findings and a proposal
	// in the alert's thread.
	code, body := do(t, signed(t, e.url+"/discord/interactions", clickJSON("10", "MALLORY", nil, "wattson:investigate:R-1", "", thread), e.priv, time.Now()))
	if code != 200 || body["type"] != 4.0 || !strings.Contains(fmt.Sprint(body["data"]), "Investigating R-1") {
		t.Fatalf("investigate click: %d %v", code, body)
	}
	job, err := e.st.Dequeue(ctx, "test", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.fx.Worker.RunJob(ctx, *job); err != nil {
		t.Fatal(err)
	}
	proposalID := lastMessageWith(e, thread, `"custom_id":"wattson?approve:P-1@1"`)
	if proposalID == "" {
		t.Fatal("no proposal with an Approve button was posted in the thread")
	}
	for _, what := range []string{"Investigating (I-1)", "Findings (I-1)"} {
		if lastMessageWith(e, thread, what) == "" {
			t.Errorf("no %q in the thread", what)
		}
	}

	// A non-approver's click is refused, privately, and audited.
	code, body = do(t, signed(t, e.url+"/discord/interactions", clickJSON("11", "MALLORY", []string{"ROLE-DEV"}, "wattson:approve:P-1@1", thread, proposalID), e.priv, time.Now()))
	data, _ := body["data"].(map[string]any)
	if code != 200 || body["type"] != 4.0 || data["flags"] != 64.0 || !strings.Contains(fmt.Sprint(data["content"]), "can't approve P-1") {
		t.Fatalf("refused click: %d %v", code, body)
	}
	p, _ := e.st.GetProposal(ctx, "P-1")
	if p.Status != store.ProposalProposed {
		t.Fatalf("refused click changed the proposal to %s", p.Status)
	}
	assertLastAudit(t, e, "P-1", "approve", "MALLORY", false)

	// A member of an approver role clicks Approve: he is asked, privately,
	// to confirm, and nothing happens until he does.
	code, body = do(t, signed(t, e.url+"/discord/interactions", clickJSON("12", "BOB", []string{"ROLE-PERF"}, "wattson?approve:P-1@1", thread, proposalID), e.priv, time.Now()))
	data, _ = body["data"].(map[string]any)
	confirm := thread + "/" + proposalID
	if raw := mustJSON(body); code != 200 || body["type"] != 4.0 || data["flags"] != 64.0 || !strings.Contains(raw, `"custom_id":"wattson:approve:P-1@1:`+confirm+`"`) {
		t.Fatalf("approve click: %d %s, want a private question with Confirm", code, raw)
	}
	if p, _ := e.st.GetProposal(ctx, "P-1"); p.Status != store.ProposalProposed {
		t.Fatalf("the question changed the proposal to %s", p.Status)
	}
	// He confirms (on the private question, message 950): approved, and
	// the question loses its buttons.
	code, body = do(t, signed(t, e.url+"/discord/interactions", clickJSON("13", "BOB", []string{"ROLE-PERF"}, "wattson:approve:P-1@1:"+confirm, thread, "950"), e.priv, time.Now()))
	if raw := mustJSON(body); code != 200 || body["type"] != 7.0 || strings.Contains(raw, "wattson:") {
		t.Fatalf("confirming click: %d %s, want the question updated without buttons", code, raw)
	}
	p, _ = e.st.GetProposal(ctx, "P-1")
	if p.Status != store.ProposalApproved || p.DecidedBy != "BOB" {
		t.Fatalf("proposal %s by %s, want approved by BOB", p.Status, p.DecidedBy)
	}
	assertLastAudit(t, e, "P-1", "approve", "BOB", true)
	edits := e.fake.callsTo("PATCH", "/api/v9/channels/"+thread+"/messages/"+proposalID)
	if len(edits) == 0 || strings.Contains(mustJSON(edits[len(edits)-1].body), "wattson:approve") {
		t.Errorf("proposal message not redrawn without buttons: %+v", edits)
	}
	eventually(t, "the approval announced in the thread", func() bool {
		return lastMessageWith(e, thread, `\u003c@BOB\u003e approved P-1`) != ""
	})
	alertEdits := e.fake.callsTo("PATCH", "/api/v9/channels/"+testChannel+"/messages/"+thread)
	if len(alertEdits) == 0 || strings.Contains(mustJSON(alertEdits[len(alertEdits)-1].body), "wattson:") {
		t.Errorf("alert not redrawn without buttons once mitigating: %+v", alertEdits)
	}
}

// lastMessageWith returns the id of the last message posted to channel
// whose body contains s, or "".
func lastMessageWith(e *env, channel, s string) string {
	id := ""
	for _, c := range e.fake.callsTo("POST", "/api/v9/channels/"+channel+"/messages") {
		if strings.Contains(mustJSON(c.body), s) {
			id = c.id
		}
	}
	return id
}

func assertLastAudit(t *testing.T, e *env, id, action, actor string, allowed bool) {
	t.Helper()
	evs, err := e.st.ListAudit(t.Context(), id, 1)
	if err != nil || len(evs) != 1 {
		t.Fatalf("audit of %s: %v %v", id, evs, err)
	}
	if ev := evs[0]; ev.Action != action || ev.Actor != actor || ev.Allowed != allowed || ev.Platform != Platform || ev.Channel != testChannel {
		t.Fatalf("last audit of %s: %+v, want %s by %s allowed=%v in %s", id, ev, action, actor, allowed, testChannel)
	}
}

func TestBurstUnder429IsDeliveredInOrder(t *testing.T) {
	e := newEnv(t, 7, nil) // every 7th post is answered 429
	const n = 40
	thread := "4242/"
	// Posts wait at the fake until all callers are queued, so the order
	// of calls is known.
	hold := make(chan struct{})
	e.fake.mu.Lock()
	e.fake.hold = hold
	e.fake.mu.Unlock()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if _, err := e.adapter.Post(t.Context(), testChannel, thread, bot.Message{Text: fmt.Sprintf("progress %02d", i)}); err != nil {
				t.Error(err)
			}
		})
		eventually(t, "the caller to queue", func() bool { return e.adapter.out.Queued("4242") == i+1 })
	}
	close(hold)
	wg.Wait()
	posts := e.fake.callsTo("POST", "/api/v9/channels/4242/messages")
	if len(posts) != n {
		t.Fatalf("delivered %d of %d", len(posts), n)
	}
	for i, p := range posts {
		if want := fmt.Sprintf("progress %02d", i); p.body["content"] != want {
			t.Fatalf("message %d is %q, want %q", i, p.body["content"], want)
		}
	}
	if e.fake.posts <= n {
		t.Fatalf("the fake never rate limited (%d posts)", e.fake.posts)
	}
}
