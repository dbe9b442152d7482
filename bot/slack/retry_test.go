package slack

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/store"
)

// TestSlashCommandCaseChangedReplayRefused replays a captured command with
// the signature's hex letters upper-cased: the same signature, so 401.
func TestSlashCommandCaseChangedReplayRefused(t *testing.T) {
	e := newEnv(t, 0)
	body := commandBody(e, "UALICE", "help")
	first := signed(t, e.url+"/slack/commands", body, testSecret, time.Now())
	replay, _ := http.NewRequest(http.MethodPost, first.URL.String(), strings.NewReader(body))
	replay.Header = first.Header.Clone()
	replay.Header.Set("X-Slack-Signature", "v0="+strings.ToUpper(strings.TrimPrefix(first.Header.Get("X-Slack-Signature"), "v0=")))
	if code, _ := do(t, first); code != http.StatusOK {
		t.Fatalf("first help: %d", code)
	}
	if code, _ := do(t, replay); code != http.StatusUnauthorized {
		t.Errorf("case-changed replay: %d, want 401", code)
	}
}

// TestSlashCommandRetryActsOnce delivers a command and Slack's retry of it
// (re-signed, same trigger_id): the command runs once, the retry is
// acknowledged with nothing to show, and a new invocation of the same text
// still runs.
func TestSlashCommandRetryActsOnce(t *testing.T) {
	e := newEnv(t, 0)
	r, _, err := e.bot.Alert(t.Context(), bot.AlertInput{Regression: testRegression()})
	if err != nil {
		t.Fatal(err)
	}
	body := commandBodyWithTrigger(e, "UALICE", "dismiss "+r.ID+" noise", "77.2.3")
	now := time.Now()
	if code, answer := do(t, signed(t, e.url+"/slack/commands", body, testSecret, now)); code != http.StatusOK || !strings.Contains(answer, "dismissed "+r.ID) {
		t.Fatalf("first delivery: %d %s", code, answer)
	}
	retry := signed(t, e.url+"/slack/commands", body, testSecret, now.Add(2*time.Second))
	retry.Header.Set("X-Slack-Retry-Num", "1")
	retry.Header.Set("X-Slack-Retry-Reason", "http_timeout")
	if code, answer := do(t, retry); code != http.StatusOK || answer != "" {
		t.Fatalf("retry: %d %q, want 200 and nothing shown", code, answer)
	}
	time.Sleep(100 * time.Millisecond)
	if got := e.responses.got(); len(got) != 0 {
		t.Errorf("retry answered later through response_url: %v", got)
	}
	if n := countAudit(t, e, r.ID, "dismiss"); n != 1 {
		t.Errorf("%d dismiss audit events over a delivery and its retry, want 1", n)
	}
	if code, answer := do(t, signed(t, e.url+"/slack/commands", commandBody(e, "UALICE", "dismiss "+r.ID+" noise"), testSecret, now)); code != http.StatusOK || answer == "" {
		t.Errorf("a new invocation of the same command: %d %q, want an answer", code, answer)
	}
	if got, _ := e.st.GetRegression(t.Context(), r.ID); got.Status != store.RegressionDismissed {
		t.Errorf("status %s, want dismissed", got.Status)
	}
}

// TestButtonRedeliveryActsOnce delivers one click twice (re-signed, same
// trigger_id and action_ts): it is handled once. (Rollback acts on the
// click; Dismiss would first ask why.)
func TestButtonRedeliveryActsOnce(t *testing.T) {
	e := newEnv(t, 0)
	r, _, err := e.bot.Alert(t.Context(), bot.AlertInput{Regression: testRegression()})
	if err != nil {
		t.Fatal(err)
	}
	body := clickBody(e, "UMALLORY", "rollback", r.ID, r.Thread.MessageID, "", "88.4.5")
	now := time.Now()
	for i := range 2 {
		if code, _ := do(t, signed(t, e.url+"/slack/interactions", body, testSecret, now.Add(time.Duration(i)*time.Second))); code != http.StatusOK {
			t.Fatalf("delivery %d: %d", i, code)
		}
	}
	eventually(t, "the refusal", func() bool { return len(e.responses.got()) > 0 })
	time.Sleep(200 * time.Millisecond)
	if got := e.responses.got(); len(got) != 1 {
		t.Errorf("click delivered twice answered %d times, want once: %v", len(got), got)
	}
	if n := countAudit(t, e, r.ID, "rollback"); n != 1 {
		t.Errorf("%d rollback audit events over two deliveries of one click, want 1", n)
	}
	// A second, real click is a new interaction and is handled.
	click(t, e, "UMALLORY", "rollback", r.ID, r.Thread.MessageID, "")
	eventually(t, "the second refusal", func() bool { return len(e.responses.got()) == 2 })
}

// countAudit counts the audit events of id with action.
func countAudit(t *testing.T, e *env, id, action string) int {
	t.Helper()
	evs, err := e.st.ListAudit(t.Context(), id, 0)
	if err != nil {
		t.Fatalf("audit of %s: %v", id, err)
	}
	n := 0
	for _, ev := range evs {
		if ev.Action == action {
			n++
		}
	}
	return n
}
