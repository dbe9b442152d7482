package prom

import (
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/wattson-dev/wattson/detector"
)

// MaxPoints is the most points per series that one range request asks
// for. Prometheus refuses a query_range whose (end-start)/step exceeds
// 11,000 ("exceeded maximum resolution of 11,000 points per timeseries").
const MaxPoints = 11000

// windows splits the range [start, end] at step into consecutive ranges
// of at most MaxPoints points each; see windowsOf.
func windows(start, end time.Time, step time.Duration) []v1.Range {
	return windowsOf(start, end, step, MaxPoints)
}

// windowsOf splits the range [start, end] at step into consecutive ranges
// of at most points points each (points >= 1). Prometheus evaluates a
// range at start, start+step, … up to end, so every window starts on that
// grid, a whole number of steps after start, and ends one step before the
// next window starts: each point of the whole range falls in exactly one
// window. The last window ends at end. A range that fits, or whose end is
// before its start, is returned whole (Prometheus then reports the error).
func windowsOf(start, end time.Time, step time.Duration, points int) []v1.Range {
	if end.Sub(start)/step < time.Duration(points) {
		return []v1.Range{{Start: start, End: end, Step: step}}
	}
	span := time.Duration(points-1) * step // first point to last point of a window
	var out []v1.Range
	for ws := start; !ws.After(end); ws = ws.Add(span + step) {
		out = append(out, v1.Range{Start: ws, End: minTime(ws.Add(span), end), Step: step})
	}
	return out
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// concat gathers the series of consecutive windows: a series is the same
// in every window when its label set is, its samples are appended in
// window order, and it is placed where it first appeared. A series absent
// from some windows simply has fewer points.
type concat struct {
	order []detector.Series
	index map[string]int
}

func (c *concat) add(ss []detector.Series) {
	if c.index == nil {
		c.index = make(map[string]int, len(ss))
	}
	for _, s := range ss {
		key := s.Key()
		if i, ok := c.index[key]; ok {
			have := &c.order[i]
			have.Times, have.Values = append(have.Times, s.Times...), append(have.Values, s.Values...)
			continue
		}
		c.index[key] = len(c.order)
		c.order = append(c.order, s)
	}
}
