// Package report runs the detector over a set of series and renders what
// it found as `wattson detect` prints it: one line per change, or the
// documented JSON document {"changes":[...]}.
package report

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/wattson-dev/wattson/detector"
)

// Found is one series and the changes found in it.
type Found struct {
	Labels  map[string]string
	Changes []detector.Change
}

// Detect runs one detector with opts over every series and keeps the
// changes pol accepts. It stops with ctx's error, within about a pass over
// the series under way, when ctx ends.
func Detect(ctx context.Context, series []detector.Series, opts detector.Options, pol detector.Policy) ([]Found, error) {
	d := detector.New(opts)
	out := make([]Found, 0, len(series))
	for _, s := range series {
		cs, err := d.DetectContext(ctx, s.Values, s.Times)
		if err != nil {
			return nil, err
		}
		out = append(out, Found{s.Labels, pol.Apply(cs)})
	}
	return out, nil
}

// jsonChange is one element of the JSON output; the field order is the
// documented contract.
type jsonChange struct {
	Labels     map[string]string `json:"labels"`
	Index      int               `json:"index"`
	Time       string            `json:"time"`
	Direction  string            `json:"direction"`
	Before     float64           `json:"before"`
	After      float64           `json:"after"`
	Pct        float64           `json:"pct"`
	Confidence float64           `json:"confidence"`
	Regression bool              `json:"regression"`
}

// WriteJSON prints {"changes":[...]} with every change of every series.
func WriteJSON(w io.Writer, found []Found) error {
	out := struct {
		Changes []jsonChange `json:"changes"`
	}{Changes: []jsonChange{}}
	for _, sc := range found {
		labels := sc.Labels
		if labels == nil {
			labels = map[string]string{}
		}
		for _, c := range sc.Changes {
			jc := jsonChange{Labels: labels, Index: c.Index, Direction: c.Direction.String(),
				Before: c.Before, After: c.After, Pct: c.Pct, Confidence: c.Confidence, Regression: c.Regression}
			if !c.Time.IsZero() {
				jc.Time = c.Time.UTC().Format(time.RFC3339)
			}
			out.Changes = append(out.Changes, jc)
		}
	}
	enc := json.NewEncoder(w)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write changes: %w", err)
	}
	return nil
}

// WriteText prints one line per change and a last line counting the
// changes and the series.
func WriteText(w io.Writer, found []Found) error {
	total := 0
	for _, sc := range found {
		key := detector.LabelsKey(sc.Labels)
		for _, c := range sc.Changes {
			total++
			when := "-"
			if !c.Time.IsZero() {
				when = c.Time.UTC().Format(time.RFC3339)
			}
			flags := ""
			if c.Regression {
				flags += " REGRESSION"
			}
			if c.WentAway {
				flags += " went-away"
			}
			if _, err := fmt.Fprintf(w, "%s %s index=%d %s %.6g -> %.6g (%+.2f%%) confidence=%.3f%s\n",
				key, when, c.Index, c.Direction, c.Before, c.After, c.Pct, c.Confidence, flags); err != nil {
				return fmt.Errorf("write changes: %w", err)
			}
		}
	}
	if _, err := fmt.Fprintf(w, "%d changes in %d series\n", total, len(found)); err != nil {
		return fmt.Errorf("write changes: %w", err)
	}
	return nil
}

// Screen checks series from where (a file or server) before Detect: more
// than maxPoints points in all is an error wrapping
// detector.ErrTooManyPoints, and no series to judge one wrapping
// detector.ErrNoData. The notes say what Detect will skip (see
// detector.Screen), each starting with where.
func Screen(where string, series []detector.Series, opts detector.Options, maxPoints int) ([]string, error) {
	if n := detector.Points(series); maxPoints > 0 && n > maxPoints {
		return nil, fmt.Errorf("%s: %d points in %d series, more than the limit of %d: %w", where, n, len(series), maxPoints, detector.ErrTooManyPoints)
	}
	notes, err := detector.Screen(series, opts)
	for i, n := range notes {
		notes[i] = where + ": " + n
	}
	if err != nil {
		return notes, fmt.Errorf("%s: %w", where, err)
	}
	return notes, nil
}
