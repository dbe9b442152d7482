package detector

import (
	"math"
	"time"
)

// Policy says which changes of one metric are regressions worth an alert.
// The zero value is the default for CPU, latency and memory: higher is
// worse, and every accepted change in that direction alerts.
type Policy struct {
	// LowerIsWorse flips the bad direction (throughput, cache hit ratio).
	LowerIsWorse bool
	// MinPct and MinAbs are the smallest effects that alert: |Pct| ≥ MinPct
	// and |Abs| ≥ MinAbs (zero: no minimum).
	MinPct, MinAbs float64
	// MinDuration is how long the new level must have lasted (zero: no
	// minimum). Changes without times are judged by points alone.
	MinDuration time.Duration
	// MinPoints is how many points the new level must have lasted (zero:
	// no minimum).
	MinPoints int
}

// DefaultPolicy is the policy a metric gets when its configuration names
// none: higher is worse, at least a 1% change, holding for 30 minutes.
func DefaultPolicy() Policy {
	return Policy{MinPct: 1, MinDuration: 30 * time.Minute}
}

// IsRegression reports whether c is a regression under p: in the bad
// direction, big enough, lasting long enough and still in place (not
// WentAway).
func (p Policy) IsRegression(c Change) bool {
	bad := Up
	if p.LowerIsWorse {
		bad = Down
	}
	switch {
	case c.Direction != bad, c.WentAway:
		return false
	case math.Abs(c.Pct) < p.MinPct, math.Abs(c.Abs) < p.MinAbs:
		return false
	case !c.Time.IsZero() && c.Duration < p.MinDuration:
		return false
	case c.Points < p.MinPoints:
		return false
	}
	return true
}

// Apply sets Regression on each change by p and returns changes.
func (p Policy) Apply(changes []Change) []Change {
	for i := range changes {
		changes[i].Regression = p.IsRegression(changes[i])
	}
	return changes
}
