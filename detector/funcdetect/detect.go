package funcdetect

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/detector/funcseries"
)

// Options tune Detect; zero fields take their defaults (see the package
// doc for why).
type Options struct {
	// Detector tunes the change-point detector; its Alpha defaults to 1e-5
	// here.
	Detector detector.Options
	// MinCount is how many self samples, over the whole series, a function
	// needs to be judged (default 50).
	MinCount int64
	// MinPct and MinServicePct are the smallest function-level and
	// service-level changes, in percent, that are regressions (defaults 2
	// and 0.05).
	MinPct, MinServicePct float64
	// Tolerance is how many points apart changes of two functions count as
	// simultaneous (default 3).
	Tolerance int
	// MinPoints is how many points a rise's new level must have lasted,
	// when it is the series' newest level, to be a regression (default
	// the detector's TransientMax, 12): a shorter excursion at the end
	// cannot yet be told from a spike, which the detector drops once it
	// has gone away. Such a rise is filtered as pending, and judged again
	// as points arrive.
	MinPoints int
	// MixMin is how many functions rising together by about one factor
	// make a traffic-mix change (default 3), and MixWindow how many points
	// apart their changes may be (default 24).
	MixMin, MixWindow int
	// Requests, when not nil, is the service's request rate (per second)
	// at each point of the set; the series are then CPU seconds per
	// request. A NaN rate leaves its point out. Nil: share of the profile.
	Requests []float64
	// Deploys are the service's deploys, by time; a change reports the
	// newest one in its window.
	Deploys []Deploy
}

// Deploy is one deploy of the service.
type Deploy struct {
	// Time is when it started.
	Time time.Time
	// Revision is what it shipped (a version or commit).
	Revision string
}

func (o Options) withDefaults() Options {
	if o.Detector.Alpha <= 0 {
		o.Detector.Alpha = 1e-5
	}
	if o.MinCount <= 0 {
		o.MinCount = 50
	}
	if o.MinPct <= 0 {
		o.MinPct = 2
	}
	if o.MinServicePct <= 0 {
		o.MinServicePct = 0.05
	}
	if o.Tolerance <= 0 {
		o.Tolerance = 3
	}
	if o.MinPoints <= 0 {
		o.MinPoints = o.Detector.TransientMax
		if o.MinPoints <= 0 {
			o.MinPoints = detector.DefaultOptions().TransientMax
		}
	}
	if o.MixMin <= 0 {
		o.MixMin = 3
	}
	if o.MixWindow <= 0 {
		o.MixWindow = 24
	}
	return o
}

// The units of Change.Before and After.
const (
	UnitShare             = "share"
	UnitSecondsPerRequest = "cpu_seconds_per_request"
)

// The filters that can reject a change (Change.Filter).
const (
	FilterWentAway   = "went_away"
	FilterSmall      = "small"
	FilterCostShift  = "cost_shift"
	FilterTrafficMix = "traffic_mix"
	// FilterPending: the rise's new level is the newest and has lasted
	// fewer than Options.MinPoints points.
	FilterPending = "pending"
	// FilterRenormalised: share of the profile only; the rise is what
	// another function's simultaneous fall does to every other share.
	FilterRenormalised = "renormalised"
)

// Change is one step in a function's self CPU.
type Change struct {
	// Function names the function; File is where it is defined.
	Function string `json:"function"`
	File     string `json:"file,omitempty"`
	// Time is the first point at the new level; Index its position.
	Time  time.Time `json:"time"`
	Index int       `json:"index"`
	// Direction is "up" or "down".
	Direction string `json:"direction"`
	// Before and After are the function's self CPU either side, in Unit.
	Before float64 `json:"before"`
	After  float64 `json:"after"`
	Unit   string  `json:"unit"`
	// Pct is the change relative to the function's own level (0 for a
	// function that is new); ServicePct the change relative to the
	// service's total CPU (net of any partners' falls).
	Pct        float64 `json:"pct"`
	ServicePct float64 `json:"service_pct"`
	// Cum is the change of the function's cumulative CPU (self and
	// callees) over the same segments, relative to its own level.
	CumPct float64 `json:"cum_pct"`
	// Confidence is the detector's, from 0 to 1.
	Confidence float64 `json:"confidence"`
	// Deploy is the revision of the newest deploy in the change's window.
	Deploy string `json:"deploy,omitempty"`
	// Filter says why the change is not a regression; empty for one.
	Filter string `json:"filter,omitempty"`
	// Partners are the functions whose falls balanced a cost shift.
	Partners []string `json:"partners,omitempty"`
	// Cumulative is set for a step found in the function's cumulative CPU
	// alone (its cost is in callees it shares with other callers); Before,
	// After and Pct are then of the cumulative CPU.
	Cumulative bool `json:"cumulative,omitempty"`

	start int // the function's previous change point, or 0
	end   int // the function's next change point, or the series' length
}

// Result is what Detect found.
type Result struct {
	// Regressions are the rises that passed every filter, oldest first.
	Regressions []Change
	// Filtered are the rises a filter rejected, with the reason.
	Filtered []Change
	// Judged is how many functions had enough samples to be judged.
	Judged int
}

// series is the exposure and scale shared by every function of a set.
type series struct {
	set      *funcseries.Set
	exposure []float64 // samples are Poisson with mean rate·exposure
	scale    float64   // rate·scale is the reported value
	unit     string
	times    []int64
}

func newSeries(set *funcseries.Set, requests []float64) series {
	s := series{set: set, exposure: make([]float64, set.Len()), scale: 1, unit: UnitShare, times: set.Times}
	for i := range s.exposure {
		switch {
		case requests == nil:
			s.exposure[i] = float64(set.Totals[i])
		case i >= len(requests) || !(requests[i] > 0):
			s.exposure[i] = math.NaN()
		default:
			d := set.Durations[i]
			if d <= 0 {
				d = 1
			}
			s.exposure[i] = requests[i] * d
		}
	}
	if requests != nil {
		s.unit, s.scale = UnitSecondsPerRequest, set.Period.Seconds()
		if s.scale == 0 {
			s.scale = 0.01 // 100 Hz, Go's default
		}
	}
	return s
}

// Detect finds the function-level regressions in set. It gives up when ctx
// ends, with ctx's error.
func Detect(ctx context.Context, set *funcseries.Set, opts Options) (Result, error) {
	o := opts.withDefaults()
	s := newSeries(set, o.Requests)
	d := detector.New(o.Detector)
	var res Result
	var rises, falls []Change
	counts := make([]float64, set.Len())
	y := make([]float64, set.Len())
	for fi, name := range set.Names {
		total := int64(0)
		for _, v := range set.Self[fi] {
			total += int64(v)
		}
		if total < o.MinCount {
			continue
		}
		res.Judged++
		for i, v := range set.Self[fi] {
			counts[i] = float64(v)
		}
		cs, err := s.changes(ctx, d, counts, y)
		if err != nil {
			return Result{}, err
		}
		for _, c := range cs {
			ch := s.describe(fi, name, c, cs, counts)
			if c.Direction == detector.Up {
				rises = append(rises, ch)
			} else {
				falls = append(falls, ch)
			}
		}
	}
	cumRises, cumFalls, err := s.cumulative(ctx, d, rises, o)
	if err != nil {
		return Result{}, err
	}
	rises, falls = append(rises, cumRises...), append(falls, cumFalls...)
	var kept []Change
	for _, c := range rises {
		switch {
		case c.Filter != "":
		case c.end == set.Len() && c.end-c.Index < o.MinPoints:
			c.Filter = FilterPending
		case c.Pct != 0 && c.Pct < o.MinPct, c.ServicePct < o.MinServicePct:
			c.Filter = FilterSmall
		case s.unit == UnitShare && renormalised(c, falls, o):
			c.Filter = FilterRenormalised
		default:
			var err error
			if c, err = s.costShift(ctx, d, c, falls, o); err != nil {
				return Result{}, err
			}
			if c.Filter != "" {
				break
			}
			if prop, err := s.proportional(ctx, d, c, o); err != nil {
				return Result{}, err
			} else if prop {
				c.Filter = FilterTrafficMix
			}
		}
		if c.Filter == "" {
			kept = append(kept, c)
		} else {
			res.Filtered = append(res.Filtered, c)
		}
	}
	kept, mixed := trafficMix(kept, res.Filtered, o)
	res.Filtered = append(res.Filtered, mixed...)
	for i := range kept {
		kept[i].Deploy = deployIn(o.Deploys, s.times, kept[i].Index, o.Tolerance)
	}
	res.Regressions = kept
	sortChanges(res.Regressions)
	sortChanges(res.Filtered)
	return res, nil
}

// changes runs the detector on the square root of the rate of counts (see the
// package doc); y is scratch space.
func (s series) changes(ctx context.Context, d *detector.Detector, counts, y []float64) ([]detector.Change, error) {
	for i, c := range counts {
		e := s.exposure[i]
		if !(e > 0) {
			y[i] = math.NaN()
			continue
		}
		y[i] = math.Sqrt((c + 0.375) / e)
	}
	return d.DetectContext(ctx, y, s.times)
}

// segmentOf returns where the levels either side of c begin and end:
// [a, c.Index) and [c.Index, b), bounded by the neighbouring changes of
// cs (or the series' n points).
func segmentOf(c detector.Change, cs []detector.Change, n int) (a, b int) {
	a, b = 0, n
	for _, o := range cs {
		if o.Index < c.Index {
			a = max(a, o.Index)
		}
		if o.Index > c.Index {
			b = min(b, o.Index)
		}
	}
	return a, b
}

// describe turns the detector's change c (one of cs, the function's
// changes) into a Change with levels on the original scale.
func (s series) describe(fi int, name string, c detector.Change, cs []detector.Change, counts []float64) Change {
	a, b := segmentOf(c, cs, len(counts))
	before, after := s.rate(counts, a, c.Index), s.rate(counts, c.Index, b)
	ch := Change{Function: name, File: s.set.Funcs[fi].File, Time: c.Time.UTC(), Index: c.Index,
		Direction: c.Direction.String(), Before: before * s.scale, After: after * s.scale, Unit: s.unit,
		Confidence: c.Confidence, start: a, end: b}
	if before > 0 {
		ch.Pct = 100 * (after - before) / before
	}
	ch.ServicePct = s.servicePct(before, after, a, c.Index)
	cum := make([]float64, len(counts))
	for i, v := range s.set.Cum[fi] {
		cum[i] = float64(v)
	}
	if cb := s.rate(cum, a, c.Index); cb > 0 {
		ch.CumPct = 100 * (s.rate(cum, c.Index, b) - cb) / cb
	}
	if c.WentAway {
		ch.Filter = FilterWentAway
	}
	return ch
}

// servicePct is what a function's rate moving from before to after means
// for the service's total, whose level is taken over points [a, k).
func (s series) servicePct(before, after float64, a, k int) float64 {
	if s.unit == UnitShare {
		if after >= 1 {
			return 0
		}
		return 100 * (after - before) / (1 - after)
	}
	totals := make([]float64, k-a)
	for i := range totals {
		totals[i] = float64(s.set.Totals[a+i])
	}
	t := s.rateAt(totals, a)
	if t == 0 {
		return 0
	}
	return 100 * (after - before) / t
}

// rate is the pooled rate of counts over points [a, b).
func (s series) rate(counts []float64, a, b int) float64 {
	return s.rateAt(counts[a:b], a)
}

// rateAt is the pooled rate of counts, which start at point a.
func (s series) rateAt(counts []float64, a int) float64 {
	var sum, exp float64
	for i, c := range counts {
		if e := s.exposure[a+i]; e > 0 {
			sum += c
			exp += e
		}
	}
	if exp == 0 {
		return 0
	}
	return sum / exp
}

// deployIn is the newest deploy between the point tol before index and
// the point at index.
func deployIn(deploys []Deploy, times []int64, index, tol int) string {
	if index >= len(times) {
		return ""
	}
	from, to := times[max(0, index-tol)], times[index]
	best := ""
	var bestT int64
	for _, dp := range deploys {
		t := dp.Time.Unix()
		if t >= from && t <= to && (best == "" || t >= bestT) {
			best, bestT = dp.Revision, t
		}
	}
	return best
}

func sortChanges(cs []Change) {
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].Index != cs[j].Index {
			return cs[i].Index < cs[j].Index
		}
		return cs[i].Function < cs[j].Function
	})
}
