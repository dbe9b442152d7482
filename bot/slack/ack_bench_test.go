package slack

import (
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// BenchmarkSlashCommandAck measures how long a signed /wattson command takes
// to be acknowledged over loopback when commands arrive at 200 per second:
// verification, replay check in the real store, and the bot's answer. It
// reports the p50 and p99 latencies; Slack's limit is 3 s, our goal is a
// p99 under 50 ms. Run: go test ./bot/slack -run XXX -bench SlashCommandAck -benchtime 1000x
func BenchmarkSlashCommandAck(b *testing.B) {
	e := newEnv(b, 0)
	const rate = 200
	tick := time.NewTicker(time.Second / rate)
	defer tick.Stop()
	var (
		mu   sync.Mutex
		lat  []time.Duration
		wg   sync.WaitGroup
		fail int
	)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		<-tick.C
		// Each request needs its own signature, or it is refused as a replay.
		body := commandBody(e, "UALICE", "status") + "&n=" + strconv.Itoa(i)
		req := signed(b, e.url+"/slack/commands", body, testSecret, time.Now())
		wg.Go(func() {
			start := time.Now()
			resp, err := client.Do(req)
			d := time.Since(start)
			mu.Lock()
			defer mu.Unlock()
			if err != nil || resp.StatusCode != http.StatusOK {
				fail++
				return
			}
			resp.Body.Close()
			lat = append(lat, d)
		})
	}
	wg.Wait()
	b.StopTimer()
	if len(lat) == 0 {
		b.Fatalf("no request succeeded (%d failed)", fail)
	}
	slices.Sort(lat)
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(float64(fail), "failed")
}
