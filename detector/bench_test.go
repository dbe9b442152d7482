package detector

import (
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
)

// The fleet scan benchmarks stream synthetic series — generated on the fly
// and dropped after use, so memory stays flat as the count grows — through
// one worker per CPU. BenchmarkScanFleet runs the detector;
// BenchmarkScanFleetSum only sums each series, the floor the ratio is taken
// against. Besides wall-clock points/s they report the CPU seconds a pass
// used, which other load on a shared machine disturbs much less. Run with
// -benchtime=1x for one pass over fleetSeries series:
//
//	go test -run=^$ -bench=ScanFleet -benchtime=1x ./detector
const (
	fleetSeries = 100_000
	fleetPoints = 864
)

// fleetSeriesGen fills x and t with series i of the fleet: gaussian noise,
// a daily wave on a third of the series and a step on a tenth of them.
func fleetSeriesGen(i int, r *rand.Rand, x []float64, t []int64) {
	daily := 0.0
	if i%3 == 0 {
		daily = 5
	}
	step, at := 0.0, -1
	if i%10 == 0 {
		step, at = 2, 200+i%400
	}
	for k := range x {
		t[k] = 1_760_000_000 + int64(k)*300
		x[k] = 100 + r.NormFloat64() + daily*wave(k)
		if k >= at && at >= 0 {
			x[k] += step
		}
	}
}

// wave is a daily sine at a 300 s step, from a table to keep generation cheap.
func wave(k int) float64 {
	return sineTable[k%288]
}

var sineTable = func() [288]float64 {
	var s [288]float64
	for i := range s {
		s[i] = sin288(i)
	}
	return s
}()

// fleetMixedGen is the realistic mix: even series as fleetSeriesGen,
// odd ones AR(1) noise (ρ = 0.5, as BenchmarkDetectAutocorrelated), which
// takes the detector's full path.
func fleetMixedGen(i int, r *rand.Rand, x []float64, t []int64) {
	if i%2 == 0 {
		fleetSeriesGen(i, r, x, t)
		return
	}
	e := 0.0
	for k := range x {
		t[k] = 1_760_000_000 + int64(k)*300
		e = 0.5*e + r.NormFloat64()
		x[k] = 100 + e
	}
}

func scanFleet(b *testing.B, work func(d *Detector, x []float64, t []int64) int) {
	scanFleetOf(b, fleetSeriesGen, work)
}

func scanFleetOf(b *testing.B, gen func(int, *rand.Rand, []float64, []int64), work func(d *Detector, x []float64, t []int64) int) {
	workers := runtime.GOMAXPROCS(0)
	cpu0 := cpuTime()
	for b.Loop() {
		var wg sync.WaitGroup
		next := make(chan int, 1024)
		found := make([]int, workers)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d := New(Options{})
				r := rand.New(rand.NewPCG(uint64(w), 1))
				x := make([]float64, fleetPoints)
				t := make([]int64, fleetPoints)
				for i := range next {
					gen(i, r, x, t)
					found[w] += work(d, x, t)
				}
			}()
		}
		for i := range fleetSeries {
			next <- i
		}
		close(next)
		wg.Wait()
	}
	b.ReportMetric(float64(fleetSeries*fleetPoints)*float64(b.N)/b.Elapsed().Seconds(), "points/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		// CPU seconds per pass, and the wall time the pass would take
		// with every worker on a core of its own.
		b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
		b.ReportMetric(cpu.Seconds()/float64(b.N)/float64(workers), "idle-wall-s/op")
	}
}

func BenchmarkScanFleet(b *testing.B) {
	scanFleet(b, func(d *Detector, x []float64, t []int64) int { return len(d.Detect(x, t)) })
}

// BenchmarkScanFleetMixed is BenchmarkScanFleet over fleetMixedGen's
// mix: half the series autocorrelated (target: ≤ 10 CPU-s a pass).
func BenchmarkScanFleetMixed(b *testing.B) {
	scanFleetOf(b, fleetMixedGen, func(d *Detector, x []float64, t []int64) int { return len(d.Detect(x, t)) })
}

func BenchmarkScanFleetSum(b *testing.B) {
	scanFleet(b, func(_ *Detector, x []float64, _ []int64) int {
		s := 0.0
		for _, v := range x {
			s += v
		}
		if s < 0 {
			return 1
		}
		return 0
	})
}

// BenchmarkDetect864 is one series of 864 points of each kind the fleet
// holds: plain noise (the fast path), a daily wave, and a step.
func BenchmarkDetect864(b *testing.B) {
	for _, bc := range []struct {
		name string
		s    synth
	}{
		{"noise", synth{n: 864}},
		{"daily", synth{n: 864, daily: 5}},
		{"step", synth{n: 864, steps: map[int]float64{400: 2}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			x, t := bc.s.gen(1)
			d := New(Options{})
			for b.Loop() {
				d.Detect(x, t)
			}
		})
	}
}

// BenchmarkDetectAutocorrelated times Detect on no-change series with
// AR(1) noise (ρ = 0.5), common in real metrics (load that wanders, rates
// over windows longer than the step): unlike the fleet's white noise,
// these fail the fast path's autocorrelation test and take the full path
// (adjustment, and the trend pre-test).
func BenchmarkDetectAutocorrelated(b *testing.B) {
	const series, n = 200, fleetPoints
	r := rand.New(rand.NewPCG(1, 2))
	xs := make([][]float64, series)
	ts := make([]int64, n)
	for i := range ts {
		ts[i] = 1_760_000_000 + int64(i)*300
	}
	for s := range xs {
		x := make([]float64, n)
		e := 0.0
		for i := range x {
			e = 0.5*e + r.NormFloat64()
			x[i] = 100 + e
		}
		xs[s] = x
	}
	d := New(Options{})
	found := 0
	for b.Loop() {
		for _, x := range xs {
			found += len(d.Detect(x, ts))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*series), "µs/series")
	b.ReportMetric(float64(found)/float64(b.N*series), "changes/series")
}
