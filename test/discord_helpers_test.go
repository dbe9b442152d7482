package test

// The Discord side of the loop's harness: a recording fake of Discord's
// REST API and Ed25519-signed interactions, as Discord sends them to the
// Interactions Endpoint.

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The Discord ids of the journeys: the application, #checkout-perf, the
// people and the perf role.
const (
	discordApp      = "7000"
	discordChannel  = "1000"
	discordAlice    = "2001"
	discordBob      = "2002"
	discordPerfRole = "3001"
)

// discordCall is one REST call the fake Discord received.
type discordCall struct {
	method, path string
	body         map[string]any    // the JSON body, or the payload_json part
	id           string            // the id of a message created
	files        map[string][]byte // the files attached, by name
}

// text is what the call shows a user: content, embeds and labels.
func (c discordCall) text() string {
	return strings.Join(jsonStringsSkip(c.body, map[string]bool{"custom_id": true, "type": true, "style": true, "allowed_mentions": true}), "\n")
}

// channel is the channel (or thread) a message call is in.
func (c discordCall) channel() string {
	m := regexp.MustCompile(`/channels/(\d+)/messages`).FindStringSubmatch(c.path)
	if m == nil {
		return ""
	}
	return m[1]
}

// fakeDiscord is Discord's REST API: it records every call, hands out
// increasing snowflakes, and starts threads with the id of their message.
// It has no gateway (the adapter retries it in the background).
type fakeDiscord struct {
	*httptest.Server
	priv ed25519.PrivateKey
	pub  ed25519.PublicKey

	mu    sync.Mutex
	calls []discordCall
	next  int
}

func newFakeDiscord(t *testing.T) *fakeDiscord {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeDiscord{pub: pub, priv: priv}
	mux := http.NewServeMux()
	commands := func(w http.ResponseWriter, r *http.Request) {
		f.record(r, "")
		writeJSON(w, []any{})
	}
	mux.HandleFunc("PUT /api/v9/applications/{app}/commands", commands)
	mux.HandleFunc("PUT /api/v9/applications/{app}/guilds/{guild}/commands", commands)
	mux.HandleFunc("POST /api/v9/channels/{ch}/messages", func(w http.ResponseWriter, r *http.Request) {
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
	mux.HandleFunc("GET /api/v9/applications/@me", func(w http.ResponseWriter, r *http.Request) { // the credential check at start
		f.record(r, "")
		writeJSON(w, map[string]any{"id": discordApp, "name": "Wattson"})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { // the gateway, and anything unforeseen
		f.record(r, "")
		http.NotFound(w, r)
	})
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

// chatYAML is the chat part of a config for this fake.
func (f *fakeDiscord) chatYAML() string {
	return `chat:
  platforms: [discord]
discord:
  public_key: ` + hex.EncodeToString(f.pub) + `
  application_id: "` + discordApp + `"
  api_url: ` + f.URL + "\n"
}

func (f *fakeDiscord) id() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	return strconv.Itoa(900000 + f.next)
}

// record decodes a JSON or multipart body and stores the call.
func (f *fakeDiscord) record(r *http.Request, id string) discordCall {
	c := discordCall{method: r.Method, path: r.URL.Path, id: id, body: map[string]any{}}
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		mr := multipart.NewReader(r.Body, params["boundary"])
		for p, err := mr.NextPart(); err == nil; p, err = mr.NextPart() {
			if p.FormName() == "payload_json" {
				b, _ := io.ReadAll(p)
				_ = json.Unmarshal(b, &c.body)
			} else if p.FileName() != "" {
				b, _ := io.ReadAll(p)
				if c.files == nil {
					c.files = map[string][]byte{}
				}
				c.files[p.FileName()] = b
			}
		}
	} else {
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &c.body)
	}
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
	return c
}

// posts are the messages created whose text matches re.
func (f *fakeDiscord) posts(re string) []discordCall {
	m := regexp.MustCompile(re)
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []discordCall
	for _, c := range f.calls {
		if c.method == http.MethodPost && c.id != "" && m.MatchString(c.text()) {
			out = append(out, c)
		}
	}
	return out
}

// alerts are the regression alerts posted in #checkout-perf.
func (f *fakeDiscord) alerts() []discordCall {
	var out []discordCall
	for _, c := range f.posts(`\(R-\d+\)`) {
		if c.channel() == discordChannel {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeDiscord) dump(t *testing.T) {
	f.mu.Lock()
	calls := append([]discordCall{}, f.calls...)
	f.mu.Unlock()
	for _, c := range calls {
		t.Logf("discord %s %s id=%s: %.300s", c.method, c.path, c.id, c.text())
	}
}

// customID finds the custom_id of the button that starts with prefix on
// a posted message.
func customID(c discordCall, prefix string) (string, bool) {
	var found string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			if id, _ := v["custom_id"].(string); found == "" && strings.HasPrefix(id, prefix) {
				found = id
			}
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(c.body["components"])
	return found, found != ""
}

// interactionIDs numbers the interactions a test sends: Discord gives each
// its own id and token (and keeps them when it delivers one again).
var interactionIDs atomic.Int64

// discordInteraction is an interaction of type kind by user in
// #checkout-perf with data, with a fresh id and token; message is the
// message a component was clicked on.
func discordInteraction(kind int, user string, data map[string]any, message *discordCall) []byte {
	id := strconv.FormatInt(5000000+interactionIDs.Add(1), 10)
	in := map[string]any{
		"id": id, "application_id": discordApp, "type": kind, "token": "token-" + id, "version": 1,
		"guild_id": "4000", "channel_id": discordChannel,
		"channel": map[string]any{"id": discordChannel, "type": 0, "name": "checkout-perf"},
		"member":  map[string]any{"user": map[string]any{"id": user, "username": "u" + user}, "roles": []string{}},
		"data":    data,
	}
	if user == discordBob {
		in["member"].(map[string]any)["roles"] = []string{discordPerfRole}
	}
	if message != nil {
		in["message"] = map[string]any{"id": message.id, "channel_id": message.channel(), "content": ""}
	}
	b, _ := json.Marshal(in)
	return b
}

// discordClick is user clicking the button customID on message.
func discordClick(user, customID string, message discordCall) []byte {
	return discordInteraction(3, user, map[string]any{"custom_id": customID, "component_type": 2}, &message)
}

// discordCommand is user typing `/wattson sub opt:value`.
func discordCommand(user, sub, opt, value string) []byte {
	o := map[string]any{"name": sub, "type": 1}
	if opt != "" {
		o["options"] = []map[string]any{{"name": opt, "type": 3, "value": value}}
	}
	return discordInteraction(2, user, map[string]any{"id": "1111", "name": "wattson", "type": 1, "options": []any{o}}, nil)
}

// signedInteraction signs an interaction body at ts as Discord does.
func (f *fakeDiscord) signedInteraction(body []byte, ts time.Time) signed {
	sec := strconv.FormatInt(ts.Unix(), 10)
	sig := ed25519.Sign(f.priv, append([]byte(sec), body...))
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-Signature-Timestamp", sec)
	h.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	return signed{path: "/discord/interactions", body: string(body), header: h}
}

// discordReply is the text of an interaction's HTTP answer and whether it
// is private (ephemeral) to the user.
func discordReply(body string) (text string, private bool) {
	var resp struct {
		Type int            `json:"type"`
		Data map[string]any `json:"data"`
	}
	if json.Unmarshal([]byte(body), &resp) != nil {
		return body, false
	}
	flags, _ := resp.Data["flags"].(float64)
	return fmt.Sprintf("type %d: %s", resp.Type, strings.Join(jsonStringsSkip(resp.Data, map[string]bool{"custom_id": true, "type": true, "flags": true}), "\n")),
		int(flags)&64 != 0
}

// discordStatus is `/wattson status id` asked on Discord at the first
// replica, answered inline.
func (l *loop) discordStatus(id string) string {
	l.t.Helper()
	code, body := l.discord.signedInteraction(discordCommand(discordBob, "status", "id", id), time.Now()).send(l.t, l.replicas[0])
	if code != http.StatusOK {
		l.t.Fatalf("/wattson status %s: %d %s", id, code, body)
	}
	text, _ := discordReply(body)
	return text
}

// discordAutoProposal is autoProposal on Discord.
func (l *loop) discordAutoProposal() discordCall {
	l.t.Helper()
	eventually(l.t, 90*time.Second, "the revert proposal P-1", func() bool { return len(l.discord.posts(`Revert proposal P-1\b`)) > 0 })
	l.settle()
	return l.discord.posts(`Revert proposal P-1\b`)[0]
}

// discordIDs are the distinct matches of re's first group in the calls.
func discordIDs(calls []discordCall, re string) map[string]int {
	out := map[string]int{}
	m := regexp.MustCompile(re)
	for _, c := range calls {
		for _, g := range m.FindAllStringSubmatch(c.text(), -1) {
			out[g[1]]++
		}
	}
	return out
}
