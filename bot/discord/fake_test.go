package discord

import (
	"cmp"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/bottest"
	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/bolt"
)

// call is one REST call the fake Discord received.
type call struct {
	method, path string
	auth         string
	body         map[string]any // the JSON body, or the payload_json part
	files        []string       // names of attached files
	id           string         // the id of a message created
}

// fakeDiscord is Discord's REST API at its wire protocol: it records every
// call, hands out increasing snowflakes, starts threads with the id of
// their message, and answers every rateLimitEvery-th message post with a
// 429 and a retry_after.
type fakeDiscord struct {
	t              testing.TB
	rateLimitEvery int

	mu    sync.Mutex
	calls []call
	next  int
	posts int
	// hold, while open, keeps every message post waiting until it is
	// closed.
	hold chan struct{}
	// app answers GET /applications/@me: an application id, or an HTTP
	// status ("401") to fail with; empty: testApp.
	app string
}

func (f *fakeDiscord) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /api/v9/applications/{app}/guilds/{guild}/commands", f.commands)
	mux.HandleFunc("PUT /api/v9/applications/{app}/commands", f.commands)
	mux.HandleFunc("POST /api/v9/channels/{ch}/messages", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		hold := f.hold
		f.mu.Unlock()
		if hold != nil {
			<-hold
		}
		f.mu.Lock()
		f.posts++
		limited := f.rateLimitEvery > 0 && f.posts%f.rateLimitEvery == 0
		f.mu.Unlock()
		if limited {
			w.Header().Set("Retry-After", "1")
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset-After", "0.05")
			w.Header().Set("X-RateLimit-Bucket", "abcd")
			w.WriteHeader(http.StatusTooManyRequests)
			writeJSON(w, map[string]any{"message": "You are being rate limited.", "retry_after": 0.05, "global": false})
			return
		}
		id := f.id()
		c := f.record(r, id)
		writeJSON(w, map[string]any{"id": id, "channel_id": r.PathValue("ch"), "content": c.body["content"]})
	})
	mux.HandleFunc("PATCH /api/v9/channels/{ch}/messages/{msg}", func(w http.ResponseWriter, r *http.Request) {
		f.record(r, "")
		writeJSON(w, map[string]any{"id": r.PathValue("msg"), "channel_id": r.PathValue("ch")})
	})
	mux.HandleFunc("POST /api/v9/channels/{ch}/messages/{msg}/threads", func(w http.ResponseWriter, r *http.Request) {
		f.record(r, "")
		writeJSON(w, map[string]any{"id": r.PathValue("msg"), "type": 11, "parent_id": r.PathValue("ch")})
	})
	mux.HandleFunc("POST /api/v9/interactions/{id}/{token}/callback", func(w http.ResponseWriter, r *http.Request) {
		f.record(r, "")
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("PATCH /api/v9/webhooks/{app}/{token}/messages/{msg}", func(w http.ResponseWriter, r *http.Request) {
		f.record(r, "")
		writeJSON(w, map[string]any{"id": f.id()})
	})
	mux.HandleFunc("DELETE /api/v9/webhooks/{app}/{token}/messages/{msg}", func(w http.ResponseWriter, r *http.Request) {
		f.record(r, "")
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /api/v9/webhooks/{app}/{token}", func(w http.ResponseWriter, r *http.Request) {
		f.record(r, "")
		writeJSON(w, map[string]any{"id": f.id()})
	})
	mux.HandleFunc("GET /api/v9/applications/@me", func(w http.ResponseWriter, r *http.Request) {
		f.record(r, "")
		f.mu.Lock()
		app := cmp.Or(f.app, testApp)
		f.mu.Unlock()
		if code, err := strconv.Atoi(app); err == nil && code < 600 {
			w.WriteHeader(code)
			writeJSON(w, map[string]any{"message": http.StatusText(code), "code": 0})
			return
		}
		writeJSON(w, map[string]any{"id": app, "name": "Wattson"})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		f.t.Errorf("fake discord: unexpected %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
	})
	return mux
}

func (f *fakeDiscord) commands(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var cmds []map[string]any
	_ = json.Unmarshal(raw, &cmds)
	f.mu.Lock()
	f.calls = append(f.calls, call{method: r.Method, path: r.URL.Path, auth: r.Header.Get("Authorization"), body: map[string]any{"commands": cmds, "raw": string(raw)}})
	f.mu.Unlock()
	for _, c := range cmds {
		c["id"] = "1111"
	}
	writeJSON(w, cmds)
}

func (f *fakeDiscord) id() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	return strconv.Itoa(9000 + f.next)
}

// record decodes a JSON or multipart body and stores the call.
func (f *fakeDiscord) record(r *http.Request, id string) call {
	c := call{method: r.Method, path: r.URL.Path, auth: r.Header.Get("Authorization"), id: id}
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		mr := multipart.NewReader(r.Body, params["boundary"])
		for p, err := mr.NextPart(); err == nil; p, err = mr.NextPart() {
			data, _ := io.ReadAll(p)
			if p.FormName() == "payload_json" {
				_ = json.Unmarshal(data, &c.body)
			} else {
				c.files = append(c.files, p.FileName())
			}
		}
	} else {
		_ = json.NewDecoder(r.Body).Decode(&c.body)
	}
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
	return c
}

// callsTo returns the recorded calls whose method and path match; a path
// ending in "*" matches as a prefix.
func (f *fakeDiscord) callsTo(method, path string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		prefix, wild := strings.CutSuffix(path, "*")
		if c.method == method && (c.path == path || wild && strings.HasPrefix(c.path, prefix)) {
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

// env is a running bot behind the Discord adapter, against a fake Discord.
type env struct {
	fake    *fakeDiscord
	st      store.Store
	bot     *bot.Bot
	fx      *bottest.Fixture
	adapter *Adapter
	priv    ed25519.PrivateKey
	url     string // the adapter's HTTP server
}

const (
	testApp     = "777"
	testGuild   = "555"
	testChannel = "100"
)

// testKey is a fixed key pair, so failures reproduce.
func testKey() (ed25519.PublicKey, ed25519.PrivateKey) {
	priv := ed25519.NewKeyFromSeed([]byte("wattson-discord-test-seed-32byte"))
	return priv.Public().(ed25519.PublicKey), priv
}

func newEnv(t testing.TB, rateLimitEvery int, wrap func(Handler) Handler) *env {
	t.Helper()
	fake := &fakeDiscord{t: t, rateLimitEvery: rateLimitEvery}
	api := httptest.NewServer(fake.handler())
	t.Cleanup(api.Close)
	st, err := bolt.Open(filepath.Join(t.TempDir(), "wattson.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	pub, priv := testKey()
	a, err := New(Options{BotToken: "test-token", PublicKey: hex.EncodeToString(pub), ApplicationID: testApp, GuildID: testGuild,
		APIURL: api.URL, Seen: st, AckBudget: time.Second, Registerer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	fx := bottest.Wire(t, bot.CoreOptions{
		Store: st, Chats: map[string]bot.Chat{Platform: a}, DefaultPlatform: Platform,
		Routes:    []bot.Route{{Match: map[string]string{"service": "checkout"}, Channel: "discord:" + testChannel}},
		Approvers: []bot.ApproverRule{{Service: "checkout", Users: []string{"ALICE"}, Groups: []string{"ROLE-PERF"}}},
	}, bottest.Options{Investigator: fixedInvestigator{}})
	b := fx.Bot
	var h Handler = b
	if wrap != nil {
		h = wrap(b)
	}
	mux := http.NewServeMux()
	a.Routes(mux, h)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { srv.Close(); a.Wait() })
	return &env{fake: fake, st: st, bot: b, fx: fx, adapter: a, priv: priv, url: srv.URL}
}

// signed builds an interaction request signed with priv at ts.
func signed(t testing.TB, url, body string, priv ed25519.PrivateKey, ts time.Time) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	sec := strconv.FormatInt(ts.Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Timestamp", sec)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, []byte(sec+body))))
	return req
}

func do(t *testing.T, req *http.Request) (int, map[string]any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	return resp.StatusCode, body
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

// commandJSON is a /wattson interaction with one subcommand and options.
func commandJSON(id, user string, roles []string, sub string, opts map[string]string) string {
	var options []map[string]any
	for k, v := range opts {
		options = append(options, map[string]any{"name": k, "type": 3, "value": v})
	}
	return mustJSON(map[string]any{
		"id": id, "application_id": testApp, "type": 2, "token": "tok-" + id, "version": 1,
		"guild_id": testGuild, "channel_id": testChannel, "channel": map[string]any{"id": testChannel, "type": 0, "name": "checkout-perf"},
		"member": map[string]any{"user": map[string]any{"id": user, "username": strings.ToLower(user)}, "roles": roles},
		"data":   map[string]any{"id": "1111", "name": "wattson", "type": 1, "options": []map[string]any{{"name": sub, "type": 1, "options": options}}},
	})
}

// clickJSON is a click on a Wattson button of message msg; thread is the
// thread it is in, or "" for the channel.
func clickJSON(id, user string, roles []string, customID, thread, msg string) string {
	where, channel := testChannel, map[string]any{"id": testChannel, "type": 0, "name": "checkout-perf"}
	if thread != "" {
		where, channel = thread, map[string]any{"id": thread, "type": 11, "name": "R-1 thread", "parent_id": testChannel}
	}
	return mustJSON(map[string]any{
		"id": id, "application_id": testApp, "type": 3, "token": "tok-" + id, "version": 1,
		"guild_id": testGuild, "channel_id": where, "channel": channel,
		"member":  map[string]any{"user": map[string]any{"id": user}, "roles": roles},
		"message": map[string]any{"id": msg, "channel_id": where},
		"data":    map[string]any{"custom_id": customID, "component_type": 2},
	})
}

// unsigned builds an interaction request without signature headers.
func unsigned(t testing.TB, url, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprint(err))
	}
	return string(b)
}
