package funcseries

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"slices"
	"time"
)

// Set is the rolling per-function series of one service: one point per
// profile, oldest first. Self and Cum hold, per function (in the order of
// Names), one count per point. The zero value is an empty set.
type Set struct {
	// Times are the profiles' unix seconds, ascending.
	Times []int64
	// Durations are the profiles' sampling spans in seconds (0: unknown).
	Durations []float64
	// Totals are the profiles' sample counts.
	Totals []int64
	// Period is the CPU time one sample stands for (the last profile's).
	Period time.Duration
	// Names lists the functions; Funcs, Self and Cum are indexed like it.
	Names []string
	// Funcs describe the functions (file, start line, callers).
	Funcs []Func
	// Self and Cum are the counts, per function then per point.
	Self, Cum [][]int32
}

// Len is the number of points.
func (s *Set) Len() int { return len(s.Times) }

// Append adds a snapshot as the newest point. A snapshot not newer than
// the last point is refused (a tick never re-adds a profile), so appending
// is idempotent per capture time.
func (s *Set) Append(snap Snapshot) error {
	t := snap.Time.Unix()
	if n := len(s.Times); n > 0 && t <= s.Times[n-1] {
		return fmt.Errorf("append profile of %s: not after the newest point %s", snap.Time.UTC().Format(time.RFC3339),
			time.Unix(s.Times[n-1], 0).UTC().Format(time.RFC3339))
	}
	n := len(s.Times)
	s.Times = append(s.Times, t)
	s.Durations = append(s.Durations, snap.Duration.Seconds())
	s.Totals = append(s.Totals, snap.Total)
	if snap.Period > 0 {
		s.Period = snap.Period
	}
	index := make(map[string]int, len(s.Names))
	for i, name := range s.Names {
		index[name] = i
		s.Self[i] = append(s.Self[i], 0)
		s.Cum[i] = append(s.Cum[i], 0)
	}
	names := make([]string, 0, len(snap.Funcs))
	for name := range snap.Funcs {
		names = append(names, name)
	}
	slices.Sort(names) // a deterministic order for new functions
	for _, name := range names {
		c := snap.Funcs[name]
		i, ok := index[name]
		if !ok {
			i = len(s.Names)
			s.Names = append(s.Names, name)
			s.Funcs = append(s.Funcs, Func{})
			s.Self = append(s.Self, make([]int32, n+1))
			s.Cum = append(s.Cum, make([]int32, n+1))
		}
		s.Self[i][n] = clamp32(c.Self)
		s.Cum[i][n] = clamp32(c.Cum)
		s.Funcs[i] = merge(s.Funcs[i], snap.Info[name])
	}
	return nil
}

// merge takes f's newest file and start line and the union of callers.
func merge(old, f Func) Func {
	if f.File != "" {
		old.File, old.StartLine = f.File, f.StartLine
	}
	for _, c := range f.Callers {
		if !slices.Contains(old.Callers, c) {
			old.Callers = append(old.Callers, c)
		}
	}
	return old
}

func clamp32(v int64) int32 {
	return int32(min(v, 1<<31-1))
}

// Trim drops the points before since and the functions left without a
// sample, so the set stays bounded by the lookback.
func (s *Set) Trim(since time.Time) {
	k, _ := slices.BinarySearch(s.Times, since.Unix())
	if k == 0 {
		return
	}
	s.Times = slices.Clone(s.Times[k:])
	s.Durations = slices.Clone(s.Durations[k:])
	s.Totals = slices.Clone(s.Totals[k:])
	keep := 0
	for i := range s.Names {
		self, cum := slices.Clone(s.Self[i][k:]), slices.Clone(s.Cum[i][k:])
		if slices.ContainsFunc(cum, func(v int32) bool { return v != 0 }) {
			s.Names[keep], s.Funcs[keep], s.Self[keep], s.Cum[keep] = s.Names[i], s.Funcs[i], self, cum
			keep++
		}
	}
	s.Names, s.Funcs, s.Self, s.Cum = s.Names[:keep], s.Funcs[:keep], s.Self[:keep], s.Cum[:keep]
}

// Index returns the position of the named function in Names, or -1.
func (s *Set) Index(name string) int {
	return slices.Index(s.Names, name)
}

// Encode returns the set as bytes (encoding/gob: the set is only ever read
// back by this package).
func (s *Set) Encode() ([]byte, error) {
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(s); err != nil {
		return nil, fmt.Errorf("encode function series: %w", err)
	}
	return b.Bytes(), nil
}

// Decode reads a set written by Encode; empty data is an empty set.
func Decode(data []byte) (*Set, error) {
	s := new(Set)
	if len(data) == 0 {
		return s, nil
	}
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(s); err != nil {
		return nil, fmt.Errorf("decode function series: %w", err)
	}
	if err := s.check(); err != nil {
		return nil, fmt.Errorf("decode function series: %w", err)
	}
	return s, nil
}

// check verifies that the slices of a decoded set agree in length.
func (s *Set) check() error {
	n := len(s.Times)
	if len(s.Durations) != n || len(s.Totals) != n {
		return fmt.Errorf("%d times but %d durations and %d totals", n, len(s.Durations), len(s.Totals))
	}
	if len(s.Funcs) != len(s.Names) || len(s.Self) != len(s.Names) || len(s.Cum) != len(s.Names) {
		return fmt.Errorf("%d functions but %d infos, %d self and %d cum series", len(s.Names), len(s.Funcs), len(s.Self), len(s.Cum))
	}
	for i := range s.Names {
		if len(s.Self[i]) != n || len(s.Cum[i]) != n {
			return fmt.Errorf("function %s has %d/%d points, want %d", s.Names[i], len(s.Self[i]), len(s.Cum[i]), n)
		}
	}
	return nil
}
