package detector

import "time"

// Direction is the sign of a change in level.
type Direction int

// The two directions of a change.
const (
	Up   Direction = 1
	Down Direction = -1
)

// String returns "up" or "down".
func (d Direction) String() string {
	if d == Down {
		return "down"
	}
	return "up"
}

// Change is one accepted step change in a series.
type Change struct {
	// Index is the position, in the caller's slice, of the first point at
	// the new level.
	Index int
	// Time is the timestamp of that point; zero when the series had no times.
	Time time.Time
	// Before and After are the levels of the segments on either side, with
	// any daily pattern and drift removed.
	Before, After float64
	// Abs is After−Before; Pct is Abs relative to |Before|, in percent (0
	// when Before is 0).
	Abs, Pct float64
	// Direction is Up when After > Before.
	Direction Direction
	// Confidence is one minus the p-value of the change under the no-change
	// null, in [0, 1].
	Confidence float64
	// Points is how many points the new level lasted (up to the next
	// change or the end); Duration is the same span in time (zero without
	// times).
	Points   int
	Duration time.Duration
	// WentAway reports that the level at the end of the series is back near
	// Before: the change was temporary and any alert for it is resolved.
	WentAway bool
	// Regression is set by Policy.Apply: the change is worse by the metric's
	// policy and big and long enough to alert on.
	Regression bool
}
