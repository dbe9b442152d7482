package funcdetect

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/detector/funcseries"
	"github.com/wattson-dev/wattson/detector/funcsynth"
)

// BenchmarkDetectFleet detects function-level regressions in 100 services
// of 300 functions and 432 points (three days at 10 minutes) per
// iteration, the services spread over GOMAXPROCS workers as the scheduler
// runs its jobs. Four generated services are cycled (detection time does
// not depend on which). Target: under 10 s an iteration on 2 cores.
//
//	go test -run '^$' -bench DetectFleet -benchtime 1x -cpu 2 ./detector/funcdetect/
func BenchmarkDetectFleet(b *testing.B) {
	const services, functions, points = 100, 300, 432
	kinds := []string{funcsynth.KindStep, funcsynth.KindNone, funcsynth.KindRename, funcsynth.KindTrafficMix}
	sets := make([]*funcseries.Set, len(kinds))
	reqs := make([][]float64, len(kinds))
	judged := 0
	for i, k := range kinds {
		c := funcsynth.Case{Service: "svc", Kind: k, ServicePct: 1}
		profiles, r := funcsynth.Service(funcsynth.Config{Seed: 9, Points: points, Functions: functions}, &c, i)
		set := new(funcseries.Set)
		for _, p := range profiles {
			snap, err := funcseries.FromProfile(p, time.Time{})
			if err != nil {
				b.Fatal(err)
			}
			if err := set.Append(snap); err != nil {
				b.Fatal(err)
			}
		}
		sets[i], reqs[i] = set, r
	}
	b.ResetTimer()
	for b.Loop() {
		work := make(chan int)
		var wg sync.WaitGroup
		var mu sync.Mutex
		judged = 0
		for range runtime.GOMAXPROCS(0) {
			wg.Go(func() {
				for s := range work {
					res, err := Detect(context.Background(), sets[s%len(sets)], Options{Requests: reqs[s%len(sets)]})
					if err != nil {
						b.Error(err)
					}
					mu.Lock()
					judged += res.Judged
					mu.Unlock()
				}
			})
		}
		for s := range services {
			work <- s
		}
		close(work)
		wg.Wait()
	}
	b.ReportMetric(float64(judged), "functions_judged/op")
}
