package slack

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/slack-go/slack/slacktest"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/bottest"
	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/bolt"
)

const testSecret = "test-signing-secret"

// call is one Web API call the fake Slack received.
type call struct {
	method string
	form   url.Values
}

// recorder is the recording side of the fake Slack: slacktest serves the
// Web API, these handlers record what the adapter sent, and every
// rateLimitEvery-th chat.postMessage is answered 429.
type recorder struct {
	mu             sync.Mutex
	calls          []call
	posts          int
	rateLimitEvery int
	// hold, while open, keeps every chat.postMessage waiting until it is
	// closed.
	hold chan struct{}
	// groupsErr, when set, is the error usergroups.list answers with.
	groupsErr string
	// uploadErr, when set, is the error files.getUploadURLExternal
	// answers with.
	uploadErr string
	// authErr, when set, is the error auth.test answers with ("http500":
	// an HTTP 500).
	authErr string
}

func (rec *recorder) record(method string, r *http.Request) url.Values {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	rec.mu.Lock()
	rec.calls = append(rec.calls, call{method, form})
	rec.mu.Unlock()
	return form
}

func (rec *recorder) binder(base func() string) slacktest.Binder {
	return func(c slacktest.Customize) {
		c.Handle("/chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
			rec.mu.Lock()
			hold := rec.hold
			rec.mu.Unlock()
			if hold != nil {
				<-hold
			}
			rec.mu.Lock()
			rec.posts++
			limited := rec.rateLimitEvery > 0 && rec.posts%rec.rateLimitEvery == 0
			n := rec.posts
			rec.mu.Unlock()
			if limited {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			form := rec.record("chat.postMessage", r)
			ch := strings.TrimPrefix(form.Get("channel"), "#")
			writeJSON(w, map[string]any{"ok": true, "channel": "C" + strings.ToUpper(ch), "ts": fmt.Sprintf("1700000000.%06d", n)})
		})
		c.Handle("/chat.update", func(w http.ResponseWriter, r *http.Request) {
			form := rec.record("chat.update", r)
			writeJSON(w, map[string]any{"ok": true, "channel": form.Get("channel"), "ts": form.Get("ts")})
		})
		c.Handle("/chat.postEphemeral", func(w http.ResponseWriter, r *http.Request) {
			rec.record("chat.postEphemeral", r)
			writeJSON(w, map[string]any{"ok": true, "message_ts": "1700000000.999999"})
		})
		c.Handle("/files.getUploadURLExternal", func(w http.ResponseWriter, r *http.Request) {
			rec.record("files.getUploadURLExternal", r)
			rec.mu.Lock()
			failing := rec.uploadErr
			rec.mu.Unlock()
			if failing != "" {
				writeJSON(w, map[string]any{"ok": false, "error": failing})
				return
			}
			writeJSON(w, map[string]any{"ok": true, "upload_url": base() + "upload", "file_id": "F1"})
		})
		c.Handle("/upload", func(w http.ResponseWriter, r *http.Request) {
			rec.record("upload", r)
			w.WriteHeader(http.StatusOK)
		})
		c.Handle("/files.completeUploadExternal", func(w http.ResponseWriter, r *http.Request) {
			rec.record("files.completeUploadExternal", r)
			writeJSON(w, map[string]any{"ok": true, "files": []map[string]any{{"id": "F1", "title": "chart"}}})
		})
		c.Handle("/auth.test", func(w http.ResponseWriter, r *http.Request) {
			rec.record("auth.test", r)
			rec.mu.Lock()
			failing := rec.authErr
			rec.mu.Unlock()
			switch failing {
			case "":
				writeJSON(w, map[string]any{"ok": true, "team": "Shop", "user_id": "UBOT", "bot_id": "BBOT"})
			case "http500":
				w.WriteHeader(http.StatusInternalServerError)
			default:
				writeJSON(w, map[string]any{"ok": false, "error": failing})
			}
		})
		c.Handle("/usergroups.list", func(w http.ResponseWriter, r *http.Request) {
			rec.record("usergroups.list", r)
			rec.mu.Lock()
			failing := rec.groupsErr
			rec.mu.Unlock()
			if failing != "" {
				writeJSON(w, map[string]any{"ok": false, "error": failing})
				return
			}
			writeJSON(w, map[string]any{"ok": true, "usergroups": []map[string]any{{"id": "SPERF", "users": []string{"UBOB"}}}})
		})
	}
}

func (rec *recorder) callsOf(method string) []call {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var out []call
	for _, c := range rec.calls {
		if c.method == method {
			out = append(out, c)
		}
	}
	return out
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// fixedInvestigator finds one culprit and proposes its revert.
type fixedInvestigator struct{}

func (fixedInvestigator) Investigate(_ context.Context, _ bot.Question, progress func(bot.Progress)) (bot.Findings, error) {
	progress(bot.Progress{Text: "deploys_in_window: 1 deploy"})
	return bot.Findings{
		Suspects:  []store.Suspect{{Commit: "abc1234567", Title: "Compile regexp per request", Score: 0.9}},
		Verdict:   "abc1234 compiles a regexp per request.",
		Proposals: []store.Proposal{{Kind: store.ProposalRevert, Target: "abc1234567", Title: "Revert abc1234"}},
	}, nil
}

// env is a running bot behind the Slack adapter, against a fake Slack.
type env struct {
	rec       *recorder
	responses *responseRecorder
	st        store.Store
	bot       *bot.Bot
	fx        *bottest.Fixture
	adapter   *Adapter
	url       string // the adapter's HTTP server
	clock     *skewClock
}

// skewClock is the adapter's clock: the wall clock (which the tests sign
// requests with) moved on by a skew the test sets.
type skewClock struct {
	mu   sync.Mutex
	skew time.Duration
}

func (c *skewClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.skew)
}

// Add moves the clock on by d.
func (c *skewClock) Add(d time.Duration) {
	c.mu.Lock()
	c.skew += d
	c.mu.Unlock()
}

// responseRecorder records what is posted to response_url.
type responseRecorder struct {
	mu     sync.Mutex
	bodies []map[string]any
	srv    *httptest.Server
}

func (rr *responseRecorder) got() []map[string]any {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	return append([]map[string]any(nil), rr.bodies...)
}

func newEnv(t testing.TB, rateLimitEvery int) *env {
	t.Helper()
	rec := &recorder{rateLimitEvery: rateLimitEvery}
	var fake *slacktest.Server
	fake = slacktest.NewTestServer(rec.binder(func() string { return fake.GetAPIURL() }))
	fake.Start()
	t.Cleanup(fake.Stop)
	rr := &responseRecorder{}
	rr.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		rr.mu.Lock()
		rr.bodies = append(rr.bodies, body)
		rr.mu.Unlock()
	}))
	t.Cleanup(rr.srv.Close)
	st, err := bolt.Open(filepath.Join(t.TempDir(), "wattson.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := &skewClock{}
	a, err := New(Options{BotToken: "xoxb-test", SigningSecret: testSecret, APIURL: fake.GetAPIURL(), Seen: st,
		MinInterval: 5 * time.Millisecond, Now: clock.Now, Registerer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	fx := bottest.Wire(t, bot.CoreOptions{
		Store: st, Chats: map[string]bot.Chat{Platform: a}, DefaultPlatform: Platform,
		Routes:    []bot.Route{{Match: map[string]string{"service": "checkout"}, Channel: "#checkout-perf"}},
		Approvers: []bot.ApproverRule{{Service: "checkout", Users: []string{"UALICE"}, Groups: []string{"SPERF"}}},
	}, bottest.Options{Investigator: fixedInvestigator{}})
	b := fx.Bot
	mux := http.NewServeMux()
	a.Routes(mux, b)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { srv.Close(); a.Wait() })
	return &env{rec: rec, responses: rr, st: st, bot: b, fx: fx, adapter: a, url: srv.URL, clock: clock}
}

// signed builds a request to the adapter signed with secret at ts.
func signed(t testing.TB, target, body, secret string, ts time.Time) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	sec := strconv.FormatInt(ts.Unix(), 10)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", sec)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(sign(secret, sec, []byte(body))))
	return req
}

func do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// eventually polls cond for up to ten seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}
