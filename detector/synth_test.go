package detector

import (
	"math"
	"math/rand/v2"
)

// synth describes a synthetic series for the tests: noise of one kind with
// unit scale, plus steps, a daily wave, drift or a spike.
type synth struct {
	n       int
	noise   string // gaussian, heavy, outliers, quantized
	steps   map[int]float64
	daily   float64 // amplitude of a daily sine, in noise units
	drift   float64 // total linear drift over the series
	spikeAt int     // start of a 4-point spike of 8 units (0: none)
}

// gen returns values and times (300 s step) for s, deterministic in seed.
func (s synth) gen(seed uint64) ([]float64, []int64) {
	r := rand.New(rand.NewPCG(seed, 7))
	x := make([]float64, s.n)
	t := make([]int64, s.n)
	level := 100.0
	for i := range x {
		t[i] = 1_760_000_000 + int64(i)*300
		level += s.steps[i]
		var e float64
		switch s.noise {
		case "heavy":
			e = r.NormFloat64() / math.Sqrt(r.ExpFloat64()) // a t-like heavy tail
		case "outliers":
			e = r.NormFloat64()
			if r.IntN(100) == 0 {
				e += 30
			}
		case "quantized":
			e = math.Round(r.NormFloat64()*2) / 2
		default:
			e = r.NormFloat64()
		}
		x[i] = level + e + s.daily*math.Sin(2*math.Pi*float64(t[i]%86400)/86400) + s.drift*float64(i)/float64(s.n)
		if s.spikeAt > 0 && i >= s.spikeAt && i < s.spikeAt+4 {
			x[i] += 8
		}
	}
	return x, t
}

func sin288(i int) float64 { return math.Sin(2 * math.Pi * float64(i) / 288) }
