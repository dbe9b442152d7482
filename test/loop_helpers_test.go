package test

// The defense loop's journeys (issue 15) share this harness: the sample
// service `wattson demo` generates (made once per test binary), a fresh
// clone of its repository per journey, a fake Prometheus answering with
// the sample's saved series, the recording fake Slack, and one or two
// `wattson serve` replicas on a real redis-server.

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// demoSample is the sample service of `wattson demo`, its paths absolute.
type demoSample struct {
	Service   string        `json:"service"`
	Repo      string        `json:"repo"`
	Profiles  string        `json:"profiles"`
	Deploys   string        `json:"deploys"`
	CPU       string        `json:"cpu"`
	BuildInfo string        `json:"build_info"`
	Query     string        `json:"query"`
	Step      time.Duration `json:"step"`
	Culprit   string        `json:"culprit"`
	Head      string        `json:"head"`
	RPS       float64       `json:"rps"`
}

var (
	sampleOnce sync.Once
	sampleData demoSample
	sampleErr  error
)

// theSample runs `wattson demo --yes` once per test binary, in a data
// directory next to the binary (TestMain removes both), and returns the
// sample it generated.
func theSample(t *testing.T) demoSample {
	t.Helper()
	sampleOnce.Do(func() {
		start := time.Now()
		sampleData, sampleErr = makeSample(t)
		t.Logf("wattson demo --yes: %s", time.Since(start).Round(100*time.Millisecond))
	})
	if sampleErr != nil {
		t.Fatal(sampleErr)
	}
	return sampleData
}

func makeSample(t *testing.T) (demoSample, error) {
	var s demoSample
	data := filepath.Join(filepath.Dir(binary), "demo-data")
	r := runDemo(t, append(goEnv(t), "WATTSON_DATA_DIR="+data), "", "demo", "--yes")
	if r.code != 0 {
		return s, fmt.Errorf("wattson demo --yes: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	dir := filepath.Join(data, "demo", "sample")
	b, err := os.ReadFile(filepath.Join(dir, "sample.json"))
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("sample.json: %w", err)
	}
	for _, p := range []*string{&s.Repo, &s.Profiles, &s.Deploys, &s.CPU, &s.BuildInfo} {
		*p = filepath.Join(dir, *p)
	}
	if s.Service != "checkout" || len(s.Culprit) != 40 || len(s.Head) != 40 || s.Step <= 0 {
		return s, fmt.Errorf("unexpected sample manifest: %s", b)
	}
	return s, nil
}

// cloneSample clones the sample repository for one journey, with main at
// the sample's head (the demo merged a revert into its own copy) and no
// remote, so that its branches are the journey's alone.
func cloneSample(t *testing.T, s demoSample) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "checkout")
	if out, err := exec.Command("git", "clone", "--quiet", "--branch", "main", s.Repo, dir).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	gitOut(t, dir, "reset", "--quiet", "--hard", s.Head)
	gitOut(t, dir, "remote", "remove", "origin")
	return dir
}

// branches lists the clone's local branches.
func branches(t *testing.T, repo string) []string {
	t.Helper()
	return strings.Fields(gitOut(t, repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/"))
}

// samplePrometheus answers /api/v1/query_range as a Prometheus holding
// the sample's series would: the detection query with the saved CPU
// series, *_build_info queries with the saved build_info series, and each
// alias query with the CPU series renamed to the alias's metric name.
// Anything else has no series. The series are returned whatever window
// is asked: the sample's ends at the last hour.
type samplePrometheus struct {
	*httptest.Server
	answer  func(query string) []byte // the query_range response body
	mu      sync.Mutex
	queries map[string]int
}

func newSamplePrometheus(t *testing.T, s demoSample, aliases map[string]string) *samplePrometheus {
	t.Helper()
	cpu, err := os.ReadFile(s.CPU)
	if err != nil {
		t.Fatal(err)
	}
	buildInfo, err := os.ReadFile(s.BuildInfo)
	if err != nil {
		t.Fatal(err)
	}
	cpuName := metricName(t, cpu)
	p := &samplePrometheus{queries: map[string]int{}}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/query_range" {
			http.NotFound(w, r)
			return
		}
		_ = r.ParseForm()
		q := r.Form.Get("query")
		p.mu.Lock()
		p.queries[q]++
		p.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(p.answer(q))
	}))
	p.answer = func(q string) []byte {
		switch name, alias := aliases[q]; {
		case q == s.Query:
			return cpu
		case alias:
			return bytes.ReplaceAll(cpu, []byte(`"__name__":"`+cpuName+`"`), []byte(`"__name__":"`+name+`"`))
		case strings.Contains(q, "_build_info"):
			return buildInfo
		}
		return []byte(`{"status":"success","data":{"resultType":"matrix","result":[]}}`)
	}
	t.Cleanup(p.Close)
	return p
}

// metricName is the __name__ of the first series of a query_range file.
func metricName(t *testing.T, file []byte) string {
	t.Helper()
	var resp struct {
		Data struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.Unmarshal(file, &resp); err != nil || len(resp.Data.Result) == 0 {
		t.Fatalf("query_range file: %v", err)
	}
	return resp.Data.Result[0].Metric["__name__"]
}

// loopOptions shape one journey's deployment.
type loopOptions struct {
	// replicas is how many `wattson serve` share the redis-server (1: embedded store).
	replicas int
	// profiles replaces the sample's profiles directory when set.
	profiles string
	// aliases are more detection jobs, by query, whose series is the CPU
	// series under the given metric name.
	aliases map[string]string
	// groups are the Slack user groups (id → members); groupsFail fails
	// their lookup (see fakeSlack.groupsFail).
	groups     map[string][]string
	groupsFail string
	// alerts is how many alerts to wait for (default 1).
	alerts int
	// discord runs the loop on Discord (the fake's) instead of Slack.
	discord bool
	// uxRemindAfter, when set, is chat.remind_after.
	uxRemindAfter time.Duration
}

// loop is one journey's running defense loop.
type loop struct {
	t        *testing.T
	sample   demoSample
	repo     string
	slack    *fakeSlack
	discord  *fakeDiscord // on Discord only
	prom     *samplePrometheus
	replicas []*server
}

const perfChannel = "#checkout-perf"

// startLoop starts a journey's deployment and waits for its alerts.
func startLoop(t *testing.T, o loopOptions) *loop {
	t.Helper()
	if o.replicas == 0 {
		o.replicas = 2
	}
	if o.alerts == 0 {
		o.alerts = 1
	}
	if o.groups == nil {
		o.groups = map[string][]string{"SPERF": {"UBOB"}}
	}
	s := theSample(t)
	l := &loop{t: t, sample: s, repo: cloneSample(t, s), slack: newFakeSlack(t), prom: newSamplePrometheus(t, s, o.aliases)}
	l.slack.setGroups(o.groups, o.groupsFail)
	profiles := s.Profiles
	if o.profiles != "" {
		profiles = o.profiles
	}
	// Investigations read the series from files, as the demo does: the
	// sample's, and the CPU series under each alias's name.
	metrics := []string{s.CPU, s.BuildInfo}
	for q, name := range o.aliases {
		file := filepath.Join(t.TempDir(), name+".json")
		if err := os.WriteFile(file, []byte(l.prom.answer(q)), 0o600); err != nil {
			t.Fatal(err)
		}
		metrics = append(metrics, file)
	}
	// Slack spaces the messages to a channel; the fake needs no second
	// between them.
	chat := `chat:
  platforms: [slack]
slack:
  min_interval: 50ms
  api_url: ` + l.slack.srv.GetAPIURL() + "\n"
	channel, users, groups := perfChannel, "UALICE", "SPERF"
	env := []string{"SLACK_BOT_TOKEN=xoxb-e2e", "SLACK_SIGNING_SECRET=" + signingSecret}
	if o.discord {
		l.discord = newFakeDiscord(t)
		chat = l.discord.chatYAML()
		channel, users, groups = discordChannel, discordAlice, discordPerfRole
		env = []string{"DISCORD_BOT_TOKEN=e2e-discord"}
	}
	if o.uxRemindAfter > 0 {
		chat = strings.Replace(chat, "chat:\n", "chat:\n  remind_after: "+o.uxRemindAfter.String()+"\n", 1)
	}
	path := filepath.Join(t.TempDir(), "wattson.yaml")
	cfg := loopConfig(chat, channel, users, groups, l.prom.URL, l.repo, profiles, metrics, s, o.aliases)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if o.replicas > 1 {
		env = append(env, "WATTSON_REDIS_URL="+startRedis(t))
	} else {
		env = append(env, "WATTSON_DATA_DIR="+t.TempDir())
	}
	env = append(env, goEnv(t)...) // the revert branch is built with go
	for range o.replicas {
		l.replicas = append(l.replicas, startServe(t, env, "--config", path))
	}
	t.Cleanup(func() {
		if t.Failed() || os.Getenv("WATTSON_E2E_DUMP") != "" {
			l.dump()
		}
	})
	eventually(t, 60*time.Second, fmt.Sprintf("%d alert(s) in %s", o.alerts, channel), func() bool {
		if o.discord {
			return len(l.discord.alerts()) >= o.alerts
		}
		return len(l.alerts()) >= o.alerts
	})
	return l
}

// dump logs every replica's log and every recorded Slack (or Discord) call.
func (l *loop) dump() {
	for i, s := range l.replicas {
		l.t.Logf("replica %d log:\n%s", i, quiet(s.stderr.String()))
	}
	if l.discord != nil {
		l.discord.dump(l.t)
		return
	}
	l.slack.mu.Lock()
	calls := append([]slackCall{}, l.slack.calls...)
	l.slack.mu.Unlock()
	for _, c := range calls {
		l.t.Logf("%s channel=%q thread=%q ts=%q for=%q: %.300s", c.method, c.form.Get("channel"), c.form.Get("thread_ts"),
			c.ts+c.form.Get("ts"), c.form.Get("for"), callText(c))
	}
}

// loopConfig is a journey's config: Slack, detection on the fake
// Prometheus every second, checkout's data from the sample's files and
// the clone, routes and approvers.
func loopConfig(chat, channel, users, groups, promURL, repo, profiles string, metrics []string, s demoSample, aliases map[string]string) string {
	jobs := detectionJobYAML(s.Service+"-cpu", s.Query, s)
	n := 0
	for q := range aliases {
		n++
		jobs += detectionJobYAML(fmt.Sprintf("%s-alias-%d", s.Service, n), q, s)
	}
	return chat + `store:
  reclaim_idle: 3s
detection:
  prometheus: ` + promURL + `
  jobs:
` + jobs + `routes:
- match: {service: checkout}
  channel: "` + channel + `"
approvers:
- service: checkout
  users: [` + users + `]
  groups: [` + groups + `]
services:
- name: ` + s.Service + `
  repo: ` + repo + `
  profiles: ` + profiles + `
  deploys: ` + s.Deploys + `
  metrics: [` + strings.Join(metrics, ", ") + `]
  rps: ` + strconv.FormatFloat(s.RPS, 'f', -1, 64) + `
`
}

func detectionJobYAML(name, query string, s demoSample) string {
	q, _ := json.Marshal(query) // a JSON string is a YAML string
	return `  - name: ` + name + `
    query: ` + string(q) + `
    schedule: "@every 1s"
    step: ` + s.Step.String() + `
    lookback: 72h
    service: ` + s.Service + `
    policy: {min_pct: 5}
`
}

// alerts are the top-level posts in #checkout-perf that alert a regression.
func (l *loop) alerts() []slackCall {
	var out []slackCall
	for _, c := range topLevelAlerts(l.slack, perfChannel) {
		if regexp.MustCompile(`\(R-\d+\)`).MatchString(callText(c)) {
			out = append(out, c)
		}
	}
	return out
}

// alert is the alert of regression id.
func (l *loop) alert(id string) slackCall {
	l.t.Helper()
	for _, c := range l.alerts() {
		if strings.Contains(callText(c), "("+id+")") {
			return c
		}
	}
	l.t.Fatalf("no alert of %s", id)
	return slackCall{}
}

// posts are the chat.postMessage calls whose text matches re.
func (l *loop) posts(re string) []slackCall {
	var out []slackCall
	m := regexp.MustCompile(re)
	for _, c := range l.slack.callsOf("chat.postMessage") {
		if m.MatchString(callText(c)) {
			out = append(out, c)
		}
	}
	return out
}

// responses are what Wattson posted to the response_url of the request
// with trigger_id trig.
func (l *loop) responses(trig string) []slackCall {
	var out []slackCall
	for _, c := range l.slack.callsOf("response") {
		if c.form.Get("for") == trig {
			out = append(out, c)
		}
	}
	return out
}

// callText is everything a recorded call shows a user: its text and the
// text of its blocks.
func callText(c slackCall) string {
	parts := []string{c.form.Get("text")}
	for _, k := range []string{"blocks", "attachments"} {
		if v := c.form.Get(k); v != "" {
			var tree any
			if json.Unmarshal([]byte(v), &tree) == nil {
				parts = append(parts, jsonStrings(tree)...)
			}
		}
	}
	return strings.Join(parts, "\n")
}

// jsonStrings collects the strings of a decoded JSON value, depth first,
// but for the values of keys a user does not read (Slack's).
func jsonStrings(v any) []string {
	return jsonStringsSkip(v, map[string]bool{"type": true, "action_id": true, "value": true, "block_id": true, "style": true})
}

func jsonStringsSkip(v any, skip map[string]bool) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, jsonStringsSkip(e, skip)...)
		}
		return out
	case map[string]any:
		var out []string
		for _, k := range slices.Sorted(maps.Keys(v)) {
			if !skip[k] {
				out = append(out, jsonStringsSkip(v[k], skip)...)
			}
		}
		return out
	}
	return nil
}

// button finds the button whose action_id starts with prefix (such as
// "wattson:approve:P-1") in a posted message's blocks and returns its
// action_id and value.
func button(c slackCall, prefix string) (actionID, value string, ok bool) {
	var tree any
	if json.Unmarshal([]byte(c.form.Get("blocks")), &tree) != nil {
		return "", "", false
	}
	var walk func(any) bool
	walk = func(v any) bool {
		switch v := v.(type) {
		case []any:
			for _, e := range v {
				if walk(e) {
					return true
				}
			}
		case map[string]any:
			if id, _ := v["action_id"].(string); strings.HasPrefix(id, prefix) {
				actionID, _ = v["action_id"].(string)
				value, _ = v["value"].(string)
				return true
			}
			for _, e := range v {
				if walk(e) {
					return true
				}
			}
		}
		return false
	}
	ok = walk(tree)
	return actionID, value, ok
}

// signed is one signed Slack request, kept so that it can be sent again.
type signed struct {
	path, body string
	header     http.Header
}

// signedRequest signs body for path at ts as Slack does.
func signedRequest(path, body string, ts time.Time) signed {
	sec := strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(signingSecret))
	mac.Write([]byte("v0:" + sec + ":" + body))
	h := http.Header{}
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	h.Set("X-Slack-Request-Timestamp", sec)
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return signed{path: path, body: body, header: h}
}

// send posts the request to replica s.
func (r signed) send(t *testing.T, s *server) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+s.addr+r.path, strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = r.header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("POST %s: %v", r.path, err) // t.Fatal is for the test's goroutine only
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// command is the form of `/wattson text` typed by user in channel (an id;
// "" for #checkout-perf), with a fresh trigger_id and a response_url the
// fake Slack records.
func (l *loop) command(user, channel, text string) url.Values {
	name := strings.ToLower(strings.TrimPrefix(channel, "C"))
	if channel == "" {
		channel, name = "CCHECKOUT-PERF", "checkout-perf"
	}
	trig := trigger()
	return url.Values{"command": {"/wattson"}, "text": {text}, "user_id": {user}, "team_id": {"T1"},
		"channel_id": {channel}, "channel_name": {name}, "trigger_id": {trig},
		"response_url": {l.slack.srv.GetAPIURL() + "response?for=" + url.QueryEscape(trig)}}
}

// click is the form of user clicking the button (actionID, value) on the
// message at messageTS in #checkout-perf, with a fresh trigger_id.
func (l *loop) click(user, actionID, value, messageTS string) (url.Values, string) {
	trig := trigger()
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "team": map[string]any{"id": "T1"}, "user": map[string]any{"id": user},
		"trigger_id": trig, "response_url": l.slack.srv.GetAPIURL() + "response?for=" + url.QueryEscape(trig),
		"channel":   map[string]any{"id": "CCHECKOUT-PERF", "name": "checkout-perf"},
		"container": map[string]any{"type": "message", "message_ts": messageTS, "channel_id": "CCHECKOUT-PERF"},
		"actions": []map[string]any{{"action_id": actionID, "value": value, "type": "button", "block_id": "wattson_actions",
			"action_ts": fmt.Sprintf("%d.%06d", time.Now().Unix(), triggers.Add(1))}},
	})
	return url.Values{"payload": {string(payload)}}, trig
}

// ask types `/wattson text` in #checkout-perf at replica s and returns
// the reply the user sees: the inline answer, else what came to the
// response_url within ten seconds.
func (l *loop) ask(s *server, user, text string) string {
	l.t.Helper()
	form := l.command(user, "", text)
	code, body := signedRequest("/slack/commands", form.Encode(), time.Now()).send(l.t, s)
	if code != http.StatusOK {
		l.t.Fatalf("/wattson %s: %d %s", text, code, body)
	}
	if strings.TrimSpace(body) != "" {
		return responseText(body)
	}
	trig := form.Get("trigger_id")
	eventually(l.t, 10*time.Second, "the reply to /wattson "+text, func() bool { return len(l.responses(trig)) > 0 })
	return responseText(l.responses(trig)[0].form.Get("body"))
}

// status is `/wattson status id` asked at the first replica.
func (l *loop) status(id string) string {
	l.t.Helper()
	return l.ask(l.replicas[0], "UCAROL", "status "+id)
}

// responseText is the text and block text of a response JSON body.
func responseText(body string) string {
	var tree any
	if json.Unmarshal([]byte(body), &tree) != nil {
		return body
	}
	return strings.Join(jsonStrings(tree), "\n")
}

// statusLine is the "Status: …" of a status reply.
func statusLine(reply string) string {
	return regexp.MustCompile(`Status: \w+`).FindString(reply)
}

// ids are the distinct matches of re's first group in the posts.
func ids(calls []slackCall, re string) map[string]int {
	out := map[string]int{}
	m := regexp.MustCompile(re)
	for _, c := range calls {
		for _, g := range m.FindAllStringSubmatch(callText(c), -1) {
			out[g[1]]++
		}
	}
	return out
}

// concurrently runs each f at once and waits for all.
func concurrently(fs ...func()) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, f := range fs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			f()
		}()
	}
	close(start)
	wg.Wait()
}

var (
	anyJobStarted = regexp.MustCompile(`msg="job started"[^\n]*? job=(\S+)`)
	anyJobDone    = regexp.MustCompile(`msg="job (?:done|already acknowledged)"[^\n]*? job=(\S+)`)
)

// settle waits until every job a replica started is done, twice in a row
// half a second apart (a job queued by the last request has been picked
// up by then).
func (l *loop) settle() {
	l.t.Helper()
	idle := func() bool {
		done := matches(l.replicas, anyJobDone, 1)
		for j := range matches(l.replicas, anyJobStarted, 1) {
			if done[j] == 0 {
				return false
			}
		}
		return true
	}
	eventually(l.t, 60*time.Second, "every started job done", func() bool {
		if !idle() {
			return false
		}
		time.Sleep(500 * time.Millisecond)
		return idle()
	})
}

// interact sends a signed interaction (a click's form) to replica s and
// wants 200.
func (l *loop) interact(s *server, form url.Values) {
	if code, body := signedRequest("/slack/interactions", form.Encode(), time.Now()).send(l.t, s); code != http.StatusOK {
		l.t.Errorf("interaction at %s: %d %s", s.addr, code, body)
	}
}

// autoProposal waits for the investigation Wattson starts on its own
// when it alerts R-1 to propose the revert P-1, and for every job to be
// done, and returns P-1's card.
func (l *loop) autoProposal() slackCall {
	l.t.Helper()
	eventually(l.t, 90*time.Second, "the revert proposal P-1", func() bool { return len(l.posts(`Revert proposal P-1\b`)) > 0 })
	l.settle()
	return l.posts(`Revert proposal P-1\b`)[0]
}

// decide has user click the button of action ("approve", "reject") on a
// proposal's card at replica s, and returns the click's trigger_id.
func (l *loop) decide(s *server, user, action string, card slackCall) string {
	l.t.Helper()
	id, value, ok := button(card, "wattson:"+action+":")
	if !ok {
		l.t.Fatalf("the card has no %s button: %s", action, card.form.Get("blocks"))
	}
	form, trig := l.click(user, id, value, card.ts)
	l.interact(s, form)
	return trig
}

// noInternalErrors fails the journey if Wattson told anyone that
// something went wrong on its side, but for messages containing one of
// known (defects reported, to be fixed).
func (l *loop) noInternalErrors(known ...string) {
	l.t.Helper()
	var told []string
	if l.discord != nil {
		for _, c := range l.discord.posts(`something went wrong on my side`) {
			told = append(told, c.text())
		}
	}
	for _, method := range []string{"chat.postMessage", "chat.postEphemeral", "response"} {
		for _, c := range l.slack.callsOf(method) {
			if t := callText(c) + c.form.Get("body"); strings.Contains(t, "something went wrong on my side") {
				told = append(told, t)
			}
		}
	}
	for _, t := range told {
		if !slices.ContainsFunc(known, func(k string) bool { return strings.Contains(t, k) }) {
			l.t.Errorf("Wattson posted an internal error: %.300s", t)
		}
	}
}
