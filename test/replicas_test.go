package test

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

const detectQuery = `service:cpu_seconds_per_request:rate5m{service="checkout"}`

var (
	periodicTickLine = regexp.MustCompile(`msg="periodic tick"[^\n]*? job=(\S+) tick=(\S+)`)
	jobStartLine     = regexp.MustCompile(`msg="job started"[^\n]*? job=(\S+) kind=bot.investigate`)
	jobDoneLine      = regexp.MustCompile(`msg="job done"[^\n]*? job=(\S+) kind=bot.investigate`)
	progressTitle    = regexp.MustCompile(`Investigating \((I-\d+)\)`)
	proposalTitle    = regexp.MustCompile(`proposal (P-\d+) \(v`)
)

// matches collects the first group of re over every replica's log, with
// how often each value occurs.
func matches(servers []*server, re *regexp.Regexp, group int) map[string]int {
	out := map[string]int{}
	for _, s := range servers {
		for _, m := range re.FindAllStringSubmatch(s.stderr.String(), -1) {
			out[m[group]]++
		}
	}
	return out
}

// ticksOf counts the periodic ticks of job by nominal time.
func ticksOf(servers []*server, job string) map[string]int {
	out := map[string]int{}
	for _, s := range servers {
		for _, m := range periodicTickLine.FindAllStringSubmatch(s.stderr.String(), -1) {
			if m[1] == job {
				out[m[2]]++
			}
		}
	}
	return out
}

// TestReplicasShareWork runs three `wattson serve` replicas on one Redis.
// It shows that every scheduled opportunity scan tick runs on exactly one
// of them, that a burst of investigations spreads over them and each
// finishes exactly once, that the investigation of a replica killed
// mid-run is finished by another, and that nothing is posted twice: one
// alert, one progress message per investigation, each opportunity and its
// fix proposal once however many scans found it.
func TestReplicasShareWork(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three replicas on a real Redis")
	}
	redisURL := startRedis(t)
	profiles := hotProfiles(t, "checkout")
	slack := newFakeSlack(t)
	gate := newPromGate(t, fakePrometheus(t, time.Now().Add(-24*time.Hour)), detectQuery, 100*time.Millisecond)
	env := []string{"SLACK_BOT_TOKEN=xoxb-e2e", "SLACK_SIGNING_SECRET=" + signingSecret, "WATTSON_REDIS_URL=" + redisURL}
	var replicas []*server
	for i := range 3 {
		path := filepath.Join(t.TempDir(), "wattson.yaml")
		if err := os.WriteFile(path, []byte(replicaConfig(slack.srv.GetAPIURL(), gate.URL+"/r"+strconv.Itoa(i), profiles)), 0o600); err != nil {
			t.Fatal(err)
		}
		replicas = append(replicas, startServe(t, env, "--config", path))
	}
	t.Cleanup(func() {
		if t.Failed() {
			for i, s := range replicas {
				t.Logf("replica %d log:\n%s", i, quiet(s.stderr.String()))
			}
			for _, c := range slack.callsOf("chat.postMessage") {
				t.Logf("posted in %s (thread %q): %.120s", c.form.Get("channel"), c.form.Get("thread_ts"), c.form.Get("text"))
			}
		}
	})
	// The alert and the first scan's opportunities are posted before any
	// replica is killed: a replica killed while it posts the alert holds
	// the alert's lease, and the next replica posts it only when that lapses.
	eventually(t, 30*time.Second, "the alert and the opportunities", func() bool {
		alert, offer := false, false
		for _, c := range topLevelAlerts(slack, "#checkout-perf") {
			text := c.form.Get("text") + c.form.Get("blocks")
			alert = alert || strings.Contains(text, "(R-1)")
			offer = offer || strings.Contains(text, "new efficiency opportunities")
		}
		return alert && offer
	})

	// A burst of investigations asked at every replica.
	const burst = 6
	for i := range burst {
		s := replicas[i%len(replicas)]
		form := slashCommand("UBOB", "investigate checkout")
		form.Set("trigger_id", "1.2."+strconv.Itoa(i)) // a distinct request, not a replay
		if code, body := slackRequest(t, s, "/slack/commands", form, signingSecret, time.Now()); code != http.StatusOK {
			t.Fatalf("investigate at replica %d: %d %s", i%3, code, body)
		}
	}
	// Kill the replica whose investigation query the gate holds.
	var victim *server
	select {
	case n := <-gate.held:
		victim = replicas[n]
	case <-time.After(30 * time.Second):
		t.Fatal("no investigation reached Prometheus")
	}
	var victimJob string
	eventually(t, 10*time.Second, "the held job in the victim's log", func() bool {
		done := matches([]*server{victim}, jobDoneLine, 1)
		for j := range matches([]*server{victim}, jobStartLine, 1) {
			if done[j] == 0 {
				victimJob = j
				return true
			}
		}
		return false
	})
	// No waiting for the other investigations' threads: each was queued
	// before its command was answered, so the kill loses none of them,
	// whichever replica had answered it (bot/investigation Start used to
	// post first and queue after, and lost one killed in between).
	if err := victim.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-victim.done
	t.Logf("killed a replica mid-investigation, job %s", victimJob)

	// Every job finishes exactly once, the killed one's by another replica.
	// Each replica runs one job at a time, so on a loaded machine the
	// burst takes a while: the bound is for liveness, not speed.
	eventually(t, 120*time.Second, "every investigation finished", func() bool {
		return len(matches(replicas, jobDoneLine, 1)) == burst
	})
	for j, n := range matches(replicas, jobDoneLine, 1) {
		if n != 1 {
			t.Errorf("job %s finished %d times", j, n)
		}
	}
	if n := matches([]*server{victim}, jobDoneLine, 1)[victimJob]; n != 0 {
		t.Errorf("the killed replica finished its job %s", victimJob)
	}
	if started := matches(replicas, jobStartLine, 1); started[victimJob] != 2 {
		t.Errorf("the killed replica's job %s started %d times, want 2 (there and on the taker)", victimJob, started[victimJob])
	}

	// Enough scheduled ticks, each run by exactly one replica.
	eventually(t, 60*time.Second, "20 scan ticks", func() bool { return len(ticksOf(replicas, "offense")) >= 20 })
	for _, s := range replicas {
		if s != victim {
			s.stop(t)
		}
	}
	ticks := ticksOf(replicas, "offense")
	for tick, n := range ticks {
		if n != 1 {
			t.Errorf("tick %s ran %d times", tick, n)
		}
	}
	perReplica := make([]int, len(replicas))
	for i, s := range replicas {
		perReplica[i] = len(ticksOf([]*server{s}, "offense"))
	}
	t.Logf("%d offense ticks, by replica %v", len(ticks), perReplica)
	checkPostedOnce(t, slack, burst)
}

// checkPostedOnce checks what the replicas posted in Slack: one alert, one
// progress message per investigation, one opportunities message, and each
// proposal once, at least one of them a fix.
func checkPostedOnce(t *testing.T, slack *fakeSlack, investigations int) {
	t.Helper()
	if n := len(topLevelAlerts(slack, "#checkout-perf")); n != 2 {
		t.Errorf("%d top-level posts in #checkout-perf, want 2 (the alert and the opportunities)", n)
	}
	progress := map[string]int{}
	proposals := map[string]int{}
	fixes, offers := 0, 0
	for _, c := range slack.callsOf("chat.postMessage") {
		all := c.form.Get("blocks") + c.form.Get("text")
		if m := progressTitle.FindStringSubmatch(all); m != nil {
			progress[m[1]]++
		}
		if m := proposalTitle.FindStringSubmatch(all); m != nil {
			proposals[m[1]]++
			if strings.Contains(all, "Fix proposal") {
				fixes++
			}
		}
		if strings.Contains(all, "new efficiency opportunities") {
			offers++
		}
	}
	if len(progress) != investigations {
		t.Errorf("progress messages for %d investigations, want %d: %v", len(progress), investigations, progress)
	}
	for id, n := range progress {
		if n != 1 {
			t.Errorf("investigation %s posted %d progress messages", id, n)
		}
	}
	for id, n := range proposals {
		if n != 1 {
			t.Errorf("proposal %s posted %d times", id, n)
		}
	}
	if offers != 1 || fixes == 0 {
		t.Errorf("%d opportunities messages and %d fix proposals, want 1 and at least 1", offers, fixes)
	}
}

// replicaConfig is one replica's config: Slack, Prometheus at promURL, a
// detection job and the opportunity scan every second, checkout's profiles.
func replicaConfig(slackURL, promURL, profiles string) string {
	return `chat:
  platforms: [slack]
slack:
  api_url: ` + slackURL + `
store:
  reclaim_idle: 3s
detection:
  prometheus: ` + promURL + `
  jobs:
  - name: checkout-cpu
    query: ` + detectQuery + `
    schedule: "@every 1s"
    step: 5m
    lookback: 72h
    service: checkout
    policy: {min_pct: 5}
    investigate: manual
offense:
  schedule: "@every 1s"
services:
- name: checkout
  profiles: ` + profiles + `
routes:
- match: {service: checkout}
  channel: "#checkout-perf"
`
}

// quiet drops the lines of routine periodic work from a replica's log.
func quiet(log string) string {
	var keep []string
	for _, l := range strings.Split(log, "\n") {
		if !strings.Contains(l, `msg="periodic tick"`) && !strings.Contains(l, `msg="opportunity scan"`) {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
