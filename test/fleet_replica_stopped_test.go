package test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestShardOfAStoppedReplica: two replicas work a fleet tick's shards; one
// is stopped (a rolling restart) while it queries the shard with the
// planted step. It hands that shard back as it stops, the other replica
// detects it seconds later — not after the 15 minutes a dead replica's
// job waits — the tick is done, and the step is alerted once.
func TestShardOfAStoppedReplica(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two replicas on a real Redis")
	}
	now := time.Now().Truncate(time.Minute)
	const planted = 7
	fleet := newPromFleet(t, 600, []int{planted}, now.Add(-12*time.Hour), 2_000_000)
	var (
		once    sync.Once
		held    = make(chan int, 1) // the replica whose shard query is held
		release = make(chan struct{})
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		replica, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/r"), "/")
		r.URL.Path = "/" + rest
		if rest == "api/v1/query_range" {
			time.Sleep(100 * time.Millisecond)
			if strings.Contains(r.FormValue("query"), promFleetInstance(planted)) {
				first := false
				once.Do(func() { first = true })
				if first {
					n, _ := strconv.Atoi(replica)
					held <- n
					select { // until the replica gives up on it
					case <-r.Context().Done():
					case <-release:
					}
					return
				}
			}
		}
		fleet.serve(w, r)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	slack := newFakeSlack(t)
	env := []string{"SLACK_BOT_TOKEN=xoxb-e2e", "SLACK_SIGNING_SECRET=" + signingSecret, "WATTSON_REDIS_URL=" + startRedis(t)}
	var replicas []*server
	for i := range 2 {
		path := writeConfig(t, promFleetJobConfig(slack.srv.GetAPIURL(), srv.URL+"/r"+strconv.Itoa(i), 9000, ""))
		replicas = append(replicas, startServe(t, env, "--config", path))
	}
	t.Cleanup(func() {
		if t.Failed() {
			for i, s := range replicas {
				t.Logf("replica %d log:\n%.8000s", i, quiet(s.stderr.String()))
			}
		}
	})
	var stopped int
	select {
	case stopped = <-held:
	case <-time.After(time.Minute):
		t.Fatal("no replica queried the planted series' shard")
	}
	replicas[stopped].stop(t) // SIGTERM, as a rolling restart does
	other := replicas[1-stopped]
	if log := replicas[stopped].stderr.String(); !strings.Contains(log, `msg="job interrupted, handed back"`) {
		t.Errorf("the stopped replica did not hand its shard back:\n%s", quiet(log))
	}
	eventually(t, time.Minute, "the tick done on the other replica", func() bool {
		return promTickDoneLine.MatchString(other.stderr.String())
	})
	eventually(t, 30*time.Second, "the planted step alerted", func() bool {
		return len(topLevelAlerts(slack, "#checkout-perf")) > 0
	})
	other.stop(t)
	promAlertedOnce(t, slack, "#checkout-perf", []int{planted})
}
