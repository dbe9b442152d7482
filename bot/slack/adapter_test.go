package slack

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/store"
)

// triggers numbers the trigger_id of each invocation, as Slack gives every
// command and click its own.
var triggers atomic.Int64

func commandBody(e *env, user, text string) string {
	return commandBodyWithTrigger(e, user, text, fmt.Sprintf("%d.2.3", triggers.Add(1)))
}

func commandBodyWithTrigger(e *env, user, text, trigger string) string {
	return url.Values{"token": {"x"}, "team_id": {"T1"}, "command": {"/wattson"}, "text": {text}, "user_id": {user}, "channel_id": {"CCHECKOUT-PERF"},
		"channel_name": {"checkout-perf"}, "response_url": {e.responses.srv.URL}, "trigger_id": {trigger}}.Encode()
}

func testRegression() store.Regression {
	change := time.Date(2025, 6, 3, 9, 0, 0, 0, time.UTC)
	key := store.SeriesKey("cpu_per_request", map[string]string{"service": "checkout"})
	return store.Regression{Fingerprint: detector.Fingerprint(key, detector.Change{Time: change, Direction: detector.Up}), Service: "checkout",
		Metric: "cpu_per_request", SeriesKey: key, ChangeTime: change, Before: 1, After: 1.25, Pct: 25, Confidence: 0.99}
}

func TestSlashCommandSignedForgedStaleReplayed(t *testing.T) {
	e := newEnv(t, 0)
	r, _, err := e.bot.Alert(t.Context(), bot.AlertInput{Regression: testRegression()})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()

	code, body := do(t, signed(t, e.url+"/slack/commands", commandBody(e, "UALICE", "help"), testSecret, now))
	if code != http.StatusOK || !strings.Contains(body, `"response_type":"ephemeral"`) || !strings.Contains(body, "/wattson investigate") {
		t.Fatalf("signed help: %d %s", code, body)
	}

	dismiss := commandBody(e, "UALICE", "dismiss "+r.ID)
	for name, req := range map[string]*http.Request{
		"forged": signed(t, e.url+"/slack/commands", dismiss, "not-the-secret", now),
		"stale":  signed(t, e.url+"/slack/commands", dismiss, testSecret, now.Add(-6*time.Minute)),
	} {
		if code, _ := do(t, req); code != http.StatusUnauthorized {
			t.Errorf("%s request: %d, want 401", name, code)
		}
	}
	first := signed(t, e.url+"/slack/commands", commandBody(e, "UALICE", "status "+r.ID), testSecret, now)
	replay, _ := http.NewRequest(http.MethodPost, first.URL.String(), strings.NewReader(commandBody(e, "UALICE", "status "+r.ID)))
	replay.Header = first.Header.Clone()
	if code, _ := do(t, first); code != http.StatusOK {
		t.Fatalf("first status: %d", code)
	}
	if code, _ := do(t, replay); code != http.StatusUnauthorized {
		t.Errorf("replayed request: %d, want 401", code)
	}
	got, _ := e.st.GetRegression(t.Context(), r.ID)
	evs, _ := e.st.ListAudit(t.Context(), r.ID, 0)
	if got.Status != store.RegressionOpen || len(evs) != 1 || evs[0].Action != "alert" {
		t.Fatalf("refused requests changed things: status %s, audit %+v", got.Status, evs)
	}
}

func TestAlertThreadButtonsAndApprovals(t *testing.T) {
	e := newEnv(t, 0)
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
	posts := e.rec.callsOf("chat.postMessage")
	if len(posts) != 1 || posts[0].form.Get("thread_ts") != "" || posts[0].form.Get("channel") != "#checkout-perf" {
		t.Fatalf("alert posts %+v, want one top-level post in #checkout-perf", posts)
	}
	if !strings.Contains(posts[0].form.Get("blocks"), `"action_id":"wattson:investigate:R-1"`) {
		t.Errorf("alert blocks lack the Investigate button: %s", posts[0].form.Get("blocks"))
	}
	if r.Thread.MessageID == "" || r.Thread.Channel != "CCHECKOUT-PERF" {
		t.Fatalf("regression thread %+v", r.Thread)
	}
	// The chart is uploaded unshared and shown in the alert's image block.
	done := e.rec.callsOf("files.completeUploadExternal")
	if len(done) != 1 || done[0].form.Get("channel_id") != "" || done[0].form.Get("thread_ts") != "" {
		t.Errorf("chart upload %+v, want one, shared nowhere", done)
	}
	if b := posts[0].form.Get("blocks"); !strings.Contains(b, `"type":"image"`) || !strings.Contains(b, `"slack_file":{"id":"F1"}`) {
		t.Errorf("alert blocks lack the chart's image block: %s", b)
	}
	if r.Thread.Image != "F1" {
		t.Errorf("stored thread %+v, want the chart's file id F1 kept for redraws", r.Thread)
	}

	// Investigate button → findings and a proposal in the thread.
	click(t, e, "UMALLORY", "investigate", "R-1", r.Thread.MessageID, "")
	job, err := e.st.Dequeue(ctx, "test", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.fx.Worker.RunJob(ctx, *job); err != nil {
		t.Fatal(err)
	}
	var proposalTS string
	for _, p := range e.rec.callsOf("chat.postMessage") {
		if strings.Contains(p.form.Get("blocks"), "wattson:approve:P-1@1") {
			proposalTS = "found"
			if p.form.Get("thread_ts") != r.Thread.MessageID {
				t.Errorf("proposal not in the alert thread")
			}
		}
	}
	if proposalTS == "" {
		t.Fatal("no proposal with an Approve button was posted")
	}

	// A non-approver's click is refused, privately, and audited.
	click(t, e, "UMALLORY", "approve", "P-1@1", "1700000000.000009", r.Thread.MessageID)
	eventually(t, "the refusal", func() bool {
		for _, b := range e.responses.got() {
			if b["response_type"] == "ephemeral" && strings.Contains(fmt.Sprint(b["text"]), "can't approve P-1") {
				return true
			}
		}
		return false
	})
	p, _ := e.st.GetProposal(ctx, "P-1")
	if p.Status != store.ProposalProposed {
		t.Fatalf("refused click changed the proposal to %s", p.Status)
	}
	assertLastAudit(t, e, "P-1", "approve", "UMALLORY", false)

	// A member of an approver group approves.
	click(t, e, "UBOB", "approve", "P-1@1", "1700000000.000009", r.Thread.MessageID)
	eventually(t, "the approval", func() bool {
		p, _ := e.st.GetProposal(ctx, "P-1")
		return p.Status == store.ProposalApproved
	})
	assertLastAudit(t, e, "P-1", "approve", "UBOB", true)
	eventually(t, "the proposal message redrawn", func() bool {
		for _, u := range e.rec.callsOf("chat.update") {
			if u.form.Get("ts") == "1700000000.000009" && !strings.Contains(u.form.Get("blocks"), "wattson:approve") {
				return true
			}
		}
		return false
	})
}

// assertLastAudit waits until the last audit event of id is action by
// actor: the bot records a decision right after making it, so a test that
// has seen the decision may still be ahead of its audit.
func assertLastAudit(t *testing.T, e *env, id, action, actor string, allowed bool) {
	t.Helper()
	var last store.AuditEvent
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		evs, err := e.st.ListAudit(t.Context(), id, 1)
		if err != nil {
			t.Fatalf("audit of %s: %v", id, err)
		}
		if len(evs) == 1 {
			last = evs[0]
			if last.Action == action && last.Actor == actor && last.Allowed == allowed && last.Platform == Platform {
				return
			}
		}
	}
	t.Fatalf("last audit of %s: %+v, want %s by %s allowed=%v", id, last, action, actor, allowed)
}

// click sends a signed block_actions interaction for a Wattson button.
func click(t *testing.T, e *env, user, action, value, messageTS, threadTS string) {
	t.Helper()
	body := clickBody(e, user, action, value, messageTS, threadTS, fmt.Sprintf("%d.4.5", triggers.Add(1)))
	if code, _ := do(t, signed(t, e.url+"/slack/interactions", body, testSecret, time.Now())); code != http.StatusOK {
		t.Fatalf("interaction: %d", code)
	}
}

// clickBody is the form of a block_actions interaction with its trigger
// id, as Slack sends it.
func clickBody(e *env, user, action, value, messageTS, threadTS, trigger string) string {
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "user": map[string]any{"id": user}, "team": map[string]any{"id": "T1"},
		"trigger_id": trigger, "response_url": e.responses.srv.URL,
		"channel":   map[string]any{"id": "CCHECKOUT-PERF", "name": "checkout-perf"},
		"container": map[string]any{"type": "message", "message_ts": messageTS, "thread_ts": threadTS, "channel_id": "CCHECKOUT-PERF"},
		"actions": []map[string]any{{"action_id": "wattson:" + action + ":" + value, "value": value, "type": "button",
			"block_id": "wattson_actions", "action_ts": "1700000100." + strings.ReplaceAll(trigger, ".", "")}},
	})
	return url.Values{"payload": {string(payload)}}.Encode()
}

func TestEventsChallengeAndMentionRetries(t *testing.T) {
	e := newEnv(t, 0)
	code, body := do(t, signed(t, e.url+"/slack/events", `{"type":"url_verification","token":"x","challenge":"3eZbrw1aB"}`, testSecret, time.Now()))
	if code != http.StatusOK || body != "3eZbrw1aB" {
		t.Fatalf("challenge: %d %q", code, body)
	}
	mention := `{"type":"event_callback","event_id":"Ev1","event":{"type":"app_mention","user":"U1","text":"<@UBOT> how are things?","ts":"1700000000.000100","channel":"C1"}}`
	for retry := range 3 {
		req := signed(t, e.url+"/slack/events", mention, testSecret, time.Now().Add(time.Duration(retry)*time.Second))
		if retry > 0 {
			req.Header.Set("X-Slack-Retry-Num", fmt.Sprint(retry))
		}
		if code, _ := do(t, req); code != http.StatusOK {
			t.Fatalf("mention delivery %d: %d", retry, code)
		}
	}
	eventually(t, "the answer", func() bool { return len(e.rec.callsOf("chat.postEphemeral")) > 0 })
	time.Sleep(100 * time.Millisecond)
	e.adapter.Wait()
	eph := e.rec.callsOf("chat.postEphemeral")
	if n := len(eph); n != 1 {
		t.Fatalf("mention answered %d times over 3 deliveries, want once", n)
	}
	// The mention was top-level: the private hint shows in the channel,
	// not in a thread that does not exist.
	if ts := eph[0].form.Get("thread_ts"); ts != "" {
		t.Errorf("hint for a top-level mention sent into thread %q", ts)
	}
	inThread := `{"type":"event_callback","event_id":"Ev2","event":{"type":"app_mention","user":"U1","text":"<@UBOT> how are things?","ts":"1700000000.000200","thread_ts":"1700000000.000001","channel":"C1"}}`
	if code, _ := do(t, signed(t, e.url+"/slack/events", inThread, testSecret, time.Now())); code != http.StatusOK {
		t.Fatalf("mention in a thread: %d", code)
	}
	eventually(t, "the answer in the thread", func() bool { return len(e.rec.callsOf("chat.postEphemeral")) > 1 })
	if ts := e.rec.callsOf("chat.postEphemeral")[1].form.Get("thread_ts"); ts != "1700000000.000001" {
		t.Errorf("hint for a mention in a thread sent to thread %q, want its thread", ts)
	}
}

func TestBurstUnder429IsDeliveredInOrder(t *testing.T) {
	e := newEnv(t, 7) // every 7th post is answered 429 Retry-After: 1
	const n = 50
	// Posts wait at the fake until all callers are queued, so the order
	// of calls is known.
	hold := make(chan struct{})
	e.rec.mu.Lock()
	e.rec.hold = hold
	e.rec.mu.Unlock()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if _, err := e.adapter.Post(t.Context(), "#burst", "", bot.Message{Text: fmt.Sprintf("alert %02d", i)}); err != nil {
				t.Error(err)
			}
		})
		eventually(t, "the caller to queue", func() bool { return e.adapter.out.Queued("#burst") == i+1 })
	}
	close(hold)
	wg.Wait()
	posts := e.rec.callsOf("chat.postMessage")
	if len(posts) != n {
		t.Fatalf("delivered %d of %d", len(posts), n)
	}
	for i, p := range posts {
		if want := fmt.Sprintf("alert %02d", i); p.form.Get("text") != want {
			t.Fatalf("message %d is %q, want %q", i, p.form.Get("text"), want)
		}
	}
}
