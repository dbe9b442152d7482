package test

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

var (
	promShardLine    = regexp.MustCompile(`msg="detection shard" component=scheduler job=fleet tick=(\S+) shard=(\S+)`)
	promTickDoneLine = regexp.MustCompile(`msg="detection tick done" component=scheduler job=fleet tick=(\S+) shard=\S+ shards=(\d+)`)
	promQueuedLine   = regexp.MustCompile(`msg="detection tick queued" component=scheduler job=fleet tick=(\S+) shards=(\d+)`)
)

// TestPromShardsAcrossReplicas: a platform team runs three `wattson
// serve` replicas on one redis-server with a detection job over a fleet
// too wide for one request's samples budget. Each tick is planned by one
// replica and its shards are detected by all of them: every shard of a
// tick runs once, the tick is reported done once, and each planted step
// is alerted once in the team's channel. The first request of the shard
// with one planted series fails, as a restarting Prometheus's would: the
// shard is tried again seconds later, on whichever replica, and its step
// is still alerted. (A tick that fires while the
// previous one's shards still run is skipped: detector/schedule's
// TestShardsSpreadOverReplicas.)
func TestPromShardsAcrossReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three replicas on a real Redis")
	}
	now := time.Now().Truncate(time.Minute)
	planted := []int{3, 250, 598}
	fake := newPromFleet(t, 600, planted, now.Add(-12*time.Hour), 2_000_000)
	fake.failFirst = promFleetInstance(planted[1])
	slack := newFakeSlack(t)
	// 600 series × 577 points is 346k samples; a 40k budget makes ~9
	// shards of 69 series.
	path := writeConfig(t, promFleetJobConfig(slack.srv.GetAPIURL(), fake.URL, 40000, ""))
	env := []string{"SLACK_BOT_TOKEN=xoxb-e2e", "SLACK_SIGNING_SECRET=" + signingSecret, "WATTSON_REDIS_URL=" + startRedis(t)}
	var replicas []*server
	for range 3 {
		replicas = append(replicas, startServe(t, env, "--config", path))
	}
	t.Cleanup(func() {
		if t.Failed() {
			for i, s := range replicas {
				t.Logf("replica %d log:\n%.6000s", i, s.stderr.String())
			}
		}
	})
	eventually(t, 2*time.Minute, "three fleet ticks done", func() bool {
		return len(matches(replicas, promTickDoneLine, 1)) >= 3
	})
	for _, s := range replicas {
		s.stop(t)
	}

	queued := map[string]string{} // tick → shards
	for _, s := range replicas {
		for _, m := range promQueuedLine.FindAllStringSubmatch(s.stderr.String(), -1) {
			if _, dup := queued[m[1]]; dup {
				t.Errorf("tick %s queued twice", m[1])
			}
			queued[m[1]] = m[2]
		}
	}
	for tick, n := range matches(replicas, promTickDoneLine, 1) {
		if n != 1 {
			t.Errorf("tick %s reported done %d times", tick, n)
		}
		if queued[tick] == "" {
			t.Errorf("tick %s done but never queued", tick)
		}
	}
	runs := map[string]int{} // tick + shard → runs
	busy := 0                // replicas that ran shards
	perReplica := make([]int, len(replicas))
	for i, s := range replicas {
		ran := promShardLine.FindAllStringSubmatch(s.stderr.String(), -1)
		perReplica[i] = len(ran)
		if len(ran) > 0 {
			busy++
		}
		for _, m := range ran {
			runs[m[1]+" "+m[2]]++
		}
	}
	for k, n := range runs {
		if n != 1 {
			t.Errorf("shard %s ran %d times", k, n)
		}
	}
	t.Logf("%d ticks queued, %d shard runs, by replica %v", len(queued), len(runs), perReplica)
	retried := 0
	for _, s := range replicas {
		retried += strings.Count(s.stderr.String(), `msg="job to be retried" component=worker`)
	}
	if retried != 1 {
		t.Errorf("%d shard jobs to be retried, want the one whose request failed", retried)
	}
	if busy < 2 {
		t.Errorf("shards ran on %d of 3 replicas, want them spread", busy)
	}
	for tick, n := range queued {
		if n == "1" {
			t.Errorf("tick %s queued as one shard: the budget did not cut the fleet", tick)
		}
	}

	promAlertedOnce(t, slack, "#checkout-perf", planted)
}
