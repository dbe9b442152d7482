package test

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"
)

// fakePrometheus serves /api/v1/query_range with one series of
// service:cpu_seconds_per_request for service "checkout" that steps up by
// 30% at stepAt. Values depend only on the timestamp, so every scan agrees.
func fakePrometheus(t *testing.T, stepAt time.Time) *httptest.Server {
	return fakePrometheusN(t, stepAt, 1)
}

// fakePrometheusN is fakePrometheus with n such series, told apart by an
// instance label.
func fakePrometheusN(t *testing.T, stepAt time.Time, n int) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/query_range" {
			http.NotFound(w, r)
			return
		}
		_ = r.ParseForm()
		start, _ := strconv.ParseFloat(r.Form.Get("start"), 64)
		end, _ := strconv.ParseFloat(r.Form.Get("end"), 64)
		step, _ := strconv.ParseFloat(r.Form.Get("step"), 64)
		if step <= 0 {
			http.Error(w, `{"status":"error","errorType":"bad_data","error":"bad step"}`, http.StatusBadRequest)
			return
		}
		if (end-start)/step > 11000 { // as Prometheus does
			http.Error(w, `{"status":"error","errorType":"bad_data","error":"exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"}`, http.StatusBadRequest)
			return
		}
		var result []map[string]any
		for i := range n {
			var values [][2]any
			for ts := math.Ceil(start/step) * step; ts <= end; ts += step {
				level := 0.010
				if ts >= float64(stepAt.Unix()) {
					level = 0.013
				}
				noise := rand.New(rand.NewPCG(uint64(ts), uint64(i+1))).NormFloat64() * 0.0002
				values = append(values, [2]any{ts, strconv.FormatFloat(level+noise, 'f', 6, 64)})
			}
			labels := map[string]string{"__name__": "service:cpu_seconds_per_request:rate5m", "service": "checkout"}
			if n > 1 {
				labels["instance"] = fmt.Sprintf("i-%02d", i)
			}
			result = append(result, map[string]any{"metric": labels, "values": values})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": map[string]any{
			"resultType": "matrix", "result": result,
		}})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// slackCall is one Web API call the fake Slack received.
type slackCall struct {
	method string
	form   url.Values
	ts     string // the ts the fake answered a chat.postMessage with
}

// fakeSlack is slacktest's Web API with handlers that record what Wattson
// sends.
type fakeSlack struct {
	srv   *slacktest.Server
	mu    sync.Mutex
	calls []slackCall
	posts int
	// rateLimitEvery, when positive, answers every n-th chat.postMessage
	// with 429 and Retry-After: 1, as Slack does past its rate limit.
	rateLimitEvery int
	limited        int
	// groups answers usergroups.list: group id → member ids.
	groups map[string][]string
	// groupsFail, when set, fails the user-group lookups: "http500"
	// answers HTTP 500, anything else {ok: false, error: groupsFail}.
	groupsFail string
}

func newFakeSlack(t *testing.T) *fakeSlack {
	t.Helper()
	f := &fakeSlack{}
	f.srv = slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
			f.mu.Lock()
			f.posts++
			n := f.posts
			limit := f.rateLimitEvery > 0 && n%f.rateLimitEvery == 0
			if limit {
				f.limited++
			}
			f.mu.Unlock()
			if limit {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			ts := fmt.Sprintf("1700000000.%06d", n)
			form := f.recordTS("chat.postMessage", r, ts)
			ch := form.Get("channel")
			if name, ok := strings.CutPrefix(ch, "#"); ok {
				ch = "C" + strings.ToUpper(name)
			}
			writeJSON(w, map[string]any{"ok": true, "channel": ch, "ts": ts})
		})
		c.Handle("/chat.update", func(w http.ResponseWriter, r *http.Request) {
			form := f.record("chat.update", r)
			writeJSON(w, map[string]any{"ok": true, "channel": form.Get("channel"), "ts": form.Get("ts")})
		})
		c.Handle("/chat.postEphemeral", func(w http.ResponseWriter, r *http.Request) {
			f.record("chat.postEphemeral", r)
			writeJSON(w, map[string]any{"ok": true, "message_ts": "1700000000.999999"})
		})
		c.Handle("/files.getUploadURLExternal", func(w http.ResponseWriter, r *http.Request) {
			f.record("files.getUploadURLExternal", r)
			writeJSON(w, map[string]any{"ok": true, "upload_url": f.srv.GetAPIURL() + "upload", "file_id": "F1"})
		})
		c.Handle("/upload", func(w http.ResponseWriter, r *http.Request) {
			form := uxUploadForm(r) // the file uploaded, for the chart journeys
			f.mu.Lock()
			f.calls = append(f.calls, slackCall{method: "upload", form: form})
			f.mu.Unlock()
		})
		c.Handle("/files.completeUploadExternal", func(w http.ResponseWriter, r *http.Request) {
			f.record("files.completeUploadExternal", r)
			writeJSON(w, map[string]any{"ok": true, "files": []map[string]any{{"id": "F1", "title": "chart"}}})
		})
		c.Handle("/usergroups.list", func(w http.ResponseWriter, r *http.Request) {
			f.record("usergroups.list", r)
			if f.failGroups(w) {
				return
			}
			f.mu.Lock()
			groups := []map[string]any{}
			for id, users := range f.groups {
				groups = append(groups, map[string]any{"id": id, "team_id": "T1", "handle": strings.ToLower(id), "users": users, "user_count": len(users)})
			}
			f.mu.Unlock()
			writeJSON(w, map[string]any{"ok": true, "usergroups": groups})
		})
		c.Handle("/usergroups.users.list", func(w http.ResponseWriter, r *http.Request) {
			form := f.record("usergroups.users.list", r)
			if f.failGroups(w) {
				return
			}
			f.mu.Lock()
			users := append([]string{}, f.groups[form.Get("usergroup")]...)
			f.mu.Unlock()
			writeJSON(w, map[string]any{"ok": true, "users": users})
		})
		// /response stands for the response_url of the requests a test
		// sends; what Wattson posts there is recorded as a "response" call
		// whose form holds the JSON body's fields and the query's for.
		c.Handle("/response", func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			var m map[string]any
			_ = json.Unmarshal(body, &m)
			form := url.Values{"for": {r.URL.Query().Get("for")}, "body": {string(body)}}
			for k, v := range m {
				if s, ok := v.(string); ok {
					form.Set(k, s)
				} else {
					b, _ := json.Marshal(v)
					form.Set(k, string(b))
				}
			}
			f.mu.Lock()
			f.calls = append(f.calls, slackCall{method: "response", form: form})
			f.mu.Unlock()
			w.WriteHeader(http.StatusOK)
		})
	})
	f.srv.Start()
	t.Cleanup(f.srv.Stop)
	return f
}

func (f *fakeSlack) record(method string, r *http.Request) url.Values {
	return f.recordTS(method, r, "")
}

func (f *fakeSlack) recordTS(method string, r *http.Request, ts string) url.Values {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	if len(form) == 0 { // slack-go sends some methods as a GET query
		form = r.URL.Query()
	}
	f.mu.Lock()
	f.calls = append(f.calls, slackCall{method: method, form: form, ts: ts})
	f.mu.Unlock()
	return form
}

// failGroups answers a user-group lookup with the configured failure, if
// any, and reports whether it did.
func (f *fakeSlack) failGroups(w http.ResponseWriter) bool {
	f.mu.Lock()
	fail := f.groupsFail
	f.mu.Unlock()
	switch fail {
	case "":
		return false
	case "http500":
		http.Error(w, "internal error", http.StatusInternalServerError)
	default:
		writeJSON(w, map[string]any{"ok": false, "error": fail})
	}
	return true
}

// setGroups sets the user groups usergroups.list answers and how the
// lookups fail ("" for not at all).
func (f *fakeSlack) setGroups(groups map[string][]string, fail string) {
	f.mu.Lock()
	f.groups, f.groupsFail = groups, fail
	f.mu.Unlock()
}

// callsOf returns the recorded calls of one Web API method.
func (f *fakeSlack) callsOf(method string) []slackCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []slackCall
	for _, c := range f.calls {
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

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out after %v waiting for %s", within, what)
}
