package test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestPromFleetScanCost measures, not asserts: a fleet of
// $WATTSON_FLEET_SERIES generated series × 864 points (3 days at 300 s)
// served by the limit-enforcing fake, scanned by 1, 2 and then 3 `wattson
// serve` replicas on one redis-server (the tick's shards spread over
// them), reporting each replica's CPU seconds per series and peak RSS
// (VmHWM), and the wall time until the tick was done. Skipped unless the variable is
// set; run it alone:
//
//	WATTSON_FLEET_SERIES=100000 go test ./test/ -run TestPromFleetScanCost -v -timeout 30m
func TestPromFleetScanCost(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("WATTSON_FLEET_SERIES"))
	if n <= 0 {
		t.Skip("a measurement: set WATTSON_FLEET_SERIES")
	}
	for _, replicas := range []int{1, 2, 3} {
		t.Run(strconv.Itoa(replicas)+"replicas", func(t *testing.T) {
			now := time.Now().Truncate(time.Minute) // the tick fires at the next minute, once an hour
			fake := newPromFleet(t, n, []int{1}, now.Add(-24*time.Hour), 50_000_000)
			cfg := `detection:
  prometheus: ` + fake.URL + `
  jobs:
  - name: fleet
    query: ` + promFleetMetric + `{service="checkout"}
    schedule: "` + strconv.Itoa((now.Minute()+1)%60) + ` * * * *"
    step: 300s
    lookback: 72h
    service: checkout
    investigate: manual
`
			path := filepath.Join(t.TempDir(), "wattson.yaml")
			if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
				t.Fatal(err)
			}
			env := []string{"WATTSON_REDIS_URL=" + startRedis(t)}
			var servers []*server
			for range replicas {
				servers = append(servers, startServe(t, env, "--config", path))
			}
			began := time.Now()
			eventually(t, 25*time.Minute, "the tick scanned the fleet", func() bool {
				for _, s := range servers {
					log := s.stderr.String()
					if strings.Contains(log, `msg="detection tick done" component=scheduler job=fleet`) ||
						strings.Contains(log, `msg="detection tick" component=scheduler job=fleet`) {
						return true
					}
				}
				return false
			})
			wall := time.Since(began)
			for i, s := range servers {
				cpu, hwm := promProcStats(t, s.cmd.Process.Pid)
				t.Logf("%d replica(s), %d series: replica %d: %.2f CPU-s (%.1f µs/series), peak RSS %d MiB; tick done after %v",
					replicas, n, i, cpu, cpu/float64(n)*1e6, hwm>>10, wall.Round(time.Second))
				// a failed shard is retried, and the wall time holds the wait
				for _, line := range strings.Split(s.stderr.String(), "\n") {
					if strings.Contains(line, `msg="job failed"`) || strings.Contains(line, "level=ERROR") {
						t.Logf("replica %d: %.300s", i, line)
					}
				}
			}
			for _, s := range servers {
				s.stop(t)
			}
		})
	}
}

// promProcStats reads a process's user+system CPU seconds and its peak
// resident set in KiB from /proc.
func promProcStats(t *testing.T, pid int) (float64, int) {
	t.Helper()
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	hwm := 0
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			hwm, _ = strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
		}
	}
	return (utime + stime) / 100, hwm // clock ticks of 1/100 s (USER_HZ)
}
