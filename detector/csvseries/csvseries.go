// Package csvseries reads one metric series from CSV: a header row, then
// rows of time,value. The time is RFC 3339 or unix seconds (integer or
// fractional); the value is a number (NaN allowed, skipped by the detector).
package csvseries

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/detector"
)

// ErrEmpty reports a file with no data rows.
var ErrEmpty = errors.New("no data rows")

// ReadFile reads the series in the CSV file at path; its labels are
// {"series": base name without extension}.
func ReadFile(path string) (detector.Series, error) {
	return ReadFileLimit(path, 0)
}

// ReadFileLimit is ReadFile refusing, with detector.ErrTooManyPoints, a
// file of more than maxPoints rows (0: no limit); it stops reading there.
func ReadFileLimit(path string, maxPoints int) (detector.Series, error) {
	f, err := os.Open(path)
	if err != nil {
		return detector.Series{}, fmt.Errorf("read csv: %w", err)
	}
	defer f.Close()
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	s, err := parse(f, name, maxPoints)
	if err != nil {
		return detector.Series{}, fmt.Errorf("read csv %s: %w", path, err)
	}
	return s, nil
}

// Parse reads a time,value CSV with a header row from r; name becomes the
// "series" label. Errors give the line.
func Parse(r io.Reader, name string) (detector.Series, error) {
	return parse(r, name, 0)
}

// parse is Parse stopping with an error at row maxPoints+1 (0: no limit).
func parse(r io.Reader, name string, maxPoints int) (detector.Series, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 2
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	s := detector.Series{Labels: map[string]string{"series": name}}
	header := true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return detector.Series{}, fmt.Errorf("parse: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if header {
			header = false
			if _, err := parseTime(rec[0]); err == nil {
				return detector.Series{}, fmt.Errorf("line %d: want a header row (time,value), got data", line)
			}
			continue
		}
		t, err := parseTime(rec[0])
		if err != nil {
			return detector.Series{}, fmt.Errorf("line %d: %w", line, err)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(rec[1]), 64)
		if err != nil {
			return detector.Series{}, fmt.Errorf("line %d: value %q is not a number", line, rec[1])
		}
		if n := len(s.Times); n > 0 && t <= s.Times[n-1] {
			return detector.Series{}, fmt.Errorf("line %d: time %s is not after the previous row", line, rec[0])
		}
		if maxPoints > 0 && len(s.Values) == maxPoints {
			return detector.Series{}, fmt.Errorf("line %d: more than the limit of %d points: %w", line, maxPoints, detector.ErrTooManyPoints)
		}
		s.Times = append(s.Times, t)
		s.Values = append(s.Values, v)
	}
	if header {
		return detector.Series{}, fmt.Errorf("empty input: %w", ErrEmpty)
	}
	if len(s.Values) == 0 {
		return detector.Series{}, fmt.Errorf("header only: %w", ErrEmpty)
	}
	return s, nil
}

// parseTime accepts RFC 3339 or unix seconds.
func parseTime(f string) (int64, error) {
	f = strings.TrimSpace(f)
	if t, err := time.Parse(time.RFC3339Nano, f); err == nil {
		return t.Unix(), nil
	}
	v, err := strconv.ParseFloat(f, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e15 {
		return 0, fmt.Errorf("time %q is neither RFC 3339 nor unix seconds", f)
	}
	return int64(math.Round(v)), nil
}
