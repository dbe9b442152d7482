package test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestInvestigationNotBehindShards: a platform team's fleet job is cut
// into some forty shards a tick, each a slow query. While a tick's shards
// are queued, an engineer asks `/wattson investigate checkout`: the
// investigation's progress message is in the channel before the tick's
// shards are all done, because shards have a queue (and a worker) of
// their own instead of standing in front of the bot's jobs.
func TestInvestigationNotBehindShards(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a replica on a real Redis")
	}
	now := time.Now().Truncate(time.Minute)
	fleet := newPromFleet(t, 600, []int{7}, now.Add(-12*time.Hour), 2_000_000)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/query_range" {
			time.Sleep(400 * time.Millisecond) // a busy Prometheus
		}
		fleet.serve(w, r)
	}))
	t.Cleanup(slow.Close)
	slack := newFakeSlack(t)
	// 600 series × 577 points is 346k samples; a 9k budget makes ~40
	// shards: some 16 s of queries a tick.
	path := writeConfig(t, promFleetJobConfig(slack.srv.GetAPIURL(), slow.URL, 9000, `services:
- name: checkout
  profiles: `+t.TempDir()+"\n"))
	s := startServe(t, []string{"SLACK_BOT_TOKEN=xoxb-e2e", "SLACK_SIGNING_SECRET=" + signingSecret,
		"WATTSON_REDIS_URL=" + startRedis(t)}, "--config", path)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("serve log:\n%.8000s", quiet(s.stderr.String()))
		}
	})
	eventually(t, time.Minute, "a fleet tick queued", func() bool {
		return promQueuedLine.MatchString(s.stderr.String())
	})
	if code, body := slackRequest(t, s, "/slack/commands", slashCommand("UBOB", "investigate checkout"), signingSecret, time.Now()); code != http.StatusOK {
		t.Fatalf("investigate: %d %s", code, body)
	}
	progress := regexp.MustCompile(`Investigating \(I-1\)`)
	eventually(t, time.Minute, "the investigation's progress message", func() bool {
		for _, c := range slack.callsOf("chat.postMessage") {
			if progress.MatchString(callText(c)) {
				return true
			}
		}
		return false
	})
	log := s.stderr.String()
	queued := promQueuedLine.FindAllStringSubmatch(log, -1)
	done := promTickDoneLine.FindAllStringSubmatch(log, -1)
	if len(done) >= len(queued) {
		t.Errorf("the progress message came only after every queued tick's shards were done (%d ticks queued, %d done): the investigation waited behind the shards", len(queued), len(done))
	}
	t.Logf("%d ticks queued, %d done when the progress message was posted; shards a tick: %s", len(queued), len(done), queued[0][2])
	if strings.Contains(log, "level=ERROR") {
		t.Errorf("errors in the log:\n%s", quiet(log))
	}
}
