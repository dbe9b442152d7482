package detector

import "time"

// Options tune Detect. The zero value of each field selects its default;
// the defaults are what users get and are explained in the package doc.
type Options struct {
	// Alpha is the false-alarm probability of each change test under the
	// no-change null (default 0.001).
	Alpha float64
	// MinSegment is the fewest points a level must last on either side of
	// a change (default 6).
	MinSegment int
	// TransientMax is the longest excursion, in points, that counts as a
	// spike that went away rather than two changes (default 12).
	TransientMax int
	// Periods are the seasonal periods tried when the timestamps cover
	// them at least twice (default one day, one week and one year).
	Periods []time.Duration
	// Harmonics is how many harmonics model each seasonal period (default 3).
	Harmonics int
	// DriftDegree is the degree of the polynomial that models slow drift
	// (default 3).
	DriftDegree int
	// Iterations bounds the alternation of adjustment and segmentation
	// (default 8; it stops as soon as the changes stop moving).
	Iterations int
}

// DefaultOptions returns the options Detect uses for zero fields.
func DefaultOptions() Options {
	return Options{}.withDefaults()
}

func (o Options) withDefaults() Options {
	if o.Alpha <= 0 || o.Alpha >= 1 {
		o.Alpha = 0.001
	}
	if o.MinSegment <= 0 {
		o.MinSegment = 6
	}
	if o.TransientMax <= 0 {
		o.TransientMax = 12
	}
	if o.Periods == nil {
		o.Periods = []time.Duration{day * time.Second, week * time.Second, year * time.Second}
	}
	if o.Harmonics <= 0 {
		o.Harmonics = 3
	}
	if o.DriftDegree <= 0 {
		o.DriftDegree = 3
	}
	if o.Iterations <= 0 {
		o.Iterations = 8
	}
	return o
}
