package test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestStoreBackedUpWhileServing: an operator of the embedded store sets
// store.backup and never stops `wattson serve` for it: copies appear on
// schedule, each a whole store that `wattson store check` passes while
// serve still runs, the newest holds the regression just alerted, and only
// the newest two are kept.
func TestStoreBackedUpWhileServing(t *testing.T) {
	now := time.Now().Truncate(time.Minute)
	fleet := newPromFleet(t, 5, []int{3}, now.Add(-6*time.Hour), 1_000_000)
	slack := newFakeSlack(t)
	backups := filepath.Join(t.TempDir(), "backups")
	s := startSlackServe(t, `chat:
  platforms: [slack]
slack:
  api_url: `+slack.srv.GetAPIURL()+`
store:
  backup:
    schedule: "@every 1s"
    dir: `+backups+`
    keep: 2
detection:
  prometheus: `+fleet.URL+`
  jobs:
  - name: fleet-cpu
    query: `+promFleetMetric+`{service="checkout"}
    schedule: "@every 1s"
    step: 60s
    lookback: 24h
    service: checkout
    investigate: manual
routes:
- match: {service: checkout}
  channel: "#checkout-perf"
`)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("serve log:\n%s", quiet(s.stderr.String()))
		}
	})
	eventually(t, 30*time.Second, "the planted step alerted", func() bool {
		return len(topLevelAlerts(slack, "#checkout-perf")) > 0
	})
	list := func() []string {
		files, _ := filepath.Glob(filepath.Join(backups, "wattson-*.db"))
		slices.Sort(files)
		return files
	}
	var newest string
	eventually(t, 30*time.Second, "a backup holding R-1, after two more", func() bool {
		files := list()
		if len(files) == 0 || strings.Count(s.stderr.String(), `msg="store backed up"`) < 3 {
			return false
		}
		newest = files[len(files)-1]
		b, err := os.ReadFile(newest)
		return err == nil && bytes.Contains(b, []byte(`"id":"R-1"`))
	})
	if r := wattson(t, nil, "store", "check", newest); r.code != 0 || !strings.Contains(r.stdout, "ok") {
		t.Errorf("store check of %s while serve runs: exit %d\n%s%s", newest, r.code, r.stdout, r.stderr)
	}
	s.stop(t)
	if files := list(); len(files) != 2 {
		t.Errorf("%d backups kept, want the newest 2: %v", len(files), files)
	}
	if strings.Contains(s.stderr.String(), "level=ERROR") {
		t.Errorf("errors in the log:\n%s", quiet(s.stderr.String()))
	}
}
