package detector

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ErrNoData reports input in which no series has enough finite values for
// Detect to judge.
var ErrNoData = errors.New("no usable data")

// ErrTooManyPoints reports input larger than the limit its reader was given.
var ErrTooManyPoints = errors.New("too many points")

// MinPoints is the fewest finite values in which Detect can find a change
// with o: a level of MinSegment points on either side.
func (o Options) MinPoints() int {
	return 2 * o.withDefaults().MinSegment
}

// NonFinite returns the indexes of s's NaN and ±Inf values, which Detect
// skips.
func (s Series) NonFinite() []int {
	var out []int
	for i, v := range s.Values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			out = append(out, i)
		}
	}
	return out
}

// Points is the number of samples in ss.
func Points(ss []Series) int {
	n := 0
	for _, s := range ss {
		n += len(s.Values)
	}
	return n
}

// Screen says what Detect will leave out of ss with opts: one note per
// series that has NaN or ±Inf values (how many, and the first indexes) or
// too few finite values to judge. The error wraps ErrNoData, with the
// reason, when no series is left to judge.
func Screen(ss []Series, opts Options) ([]string, error) {
	need := opts.MinPoints()
	var notes []string
	usable := 0
	for _, s := range ss {
		bad := s.NonFinite()
		finite := len(s.Values) - len(bad)
		key := s.Key()
		if len(bad) > 0 {
			notes = append(notes, fmt.Sprintf("series %s: skipped %d of %d points that are NaN or Inf, at index %s",
				key, len(bad), len(s.Values), indexList(bad, 5)))
		}
		switch {
		case finite >= need:
			usable++
		case finite == 0:
			notes = append(notes, fmt.Sprintf("series %s: no finite values", key))
		default:
			notes = append(notes, fmt.Sprintf("series %s: %d finite values, too few to judge (need %d)", key, finite, need))
		}
	}
	if usable > 0 {
		return notes, nil
	}
	switch {
	case len(ss) == 0:
		return notes, fmt.Errorf("%w: no series", ErrNoData)
	case len(ss) == 1:
		return notes, fmt.Errorf("%w: %s", ErrNoData, notes[len(notes)-1])
	}
	return notes, fmt.Errorf("%w: none of %d series has %d finite values", ErrNoData, len(ss), need)
}

// indexList renders the first max of idx, and how many more there are.
func indexList(idx []int, max int) string {
	var b strings.Builder
	for i, v := range idx {
		if i == max {
			fmt.Fprintf(&b, " and %d more", len(idx)-max)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(v))
	}
	return b.String()
}
