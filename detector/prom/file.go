package prom

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"

	"github.com/wattson-dev/wattson/detector"
)

// ErrEmpty reports a response that holds no series or a series with no
// points.
var ErrEmpty = errors.New("no data")

// response is the query_range envelope, decoded loosely so that every
// problem can be reported with its position.
type response struct {
	Status    string `json:"status"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
	Data      *struct {
		ResultType string `json:"resultType"`
		Result     []struct {
			Metric map[string]string `json:"metric"`
			Values []json.RawMessage `json:"values"`
		} `json:"result"`
	} `json:"data"`
}

// ReadFile reads a saved /api/v1/query_range response (matrix) from path.
func ReadFile(path string) ([]detector.Series, error) {
	return ReadFileLimit(path, 0)
}

// ReadFileLimit is ReadFile refusing, with detector.ErrTooManyPoints, a
// response of more than maxPoints points in all (0: no limit).
func ReadFileLimit(path string, maxPoints int) ([]detector.Series, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read query_range file: %w", err)
	}
	s, err := parse(b, maxPoints)
	if err != nil {
		return nil, fmt.Errorf("read query_range file %s: %w", path, err)
	}
	return s, nil
}

// Parse decodes a /api/v1/query_range JSON response whose result is a
// matrix. Errors name the position: line, column and byte offset for JSON
// syntax, series and point index for bad samples.
func Parse(b []byte) ([]detector.Series, error) {
	return parse(b, 0)
}

// parse is Parse refusing more than maxPoints points (0: no limit) before
// it decodes them.
func parse(b []byte, maxPoints int) ([]detector.Series, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, fmt.Errorf("empty input: %w", ErrEmpty)
	}
	var r response
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, jsonError(b, err)
	}
	if r.Status != "success" {
		return nil, fmt.Errorf("status %q: %s %s", r.Status, r.ErrorType, r.Error)
	}
	if r.Data == nil {
		return nil, errors.New("no data object")
	}
	if r.Data.ResultType != "matrix" {
		return nil, fmt.Errorf("result type %q, want matrix", r.Data.ResultType)
	}
	if len(r.Data.Result) == 0 {
		return nil, fmt.Errorf("result has no series: %w", ErrEmpty)
	}
	if maxPoints > 0 {
		n := 0
		for _, res := range r.Data.Result {
			n += len(res.Values)
		}
		if n > maxPoints {
			return nil, fmt.Errorf("%d points in %d series, more than the limit of %d: %w", n, len(r.Data.Result), maxPoints, detector.ErrTooManyPoints)
		}
	}
	out := make([]detector.Series, 0, len(r.Data.Result))
	for si, res := range r.Data.Result {
		if len(res.Values) == 0 {
			return nil, fmt.Errorf("series %d %s has no points: %w", si, detector.LabelsKey(res.Metric), ErrEmpty)
		}
		s := detector.Series{
			Labels: res.Metric,
			Times:  make([]int64, len(res.Values)),
			Values: make([]float64, len(res.Values)),
		}
		if s.Labels == nil {
			s.Labels = map[string]string{}
		}
		for pi, raw := range res.Values {
			t, v, err := parsePoint(raw)
			if err != nil {
				return nil, fmt.Errorf("series %d point %d: %w", si, pi, err)
			}
			if pi > 0 && t <= s.Times[pi-1] {
				return nil, fmt.Errorf("series %d point %d: time %d is not after the previous point", si, pi, t)
			}
			s.Times[pi], s.Values[pi] = t, v
		}
		out = append(out, s)
	}
	return out, nil
}

// parsePoint decodes one [unix_seconds, "value"] pair.
func parsePoint(raw json.RawMessage) (int64, float64, error) {
	var pair []json.RawMessage
	if err := json.Unmarshal(raw, &pair); err != nil || len(pair) != 2 {
		return 0, 0, fmt.Errorf("want [time, \"value\"], got %.40s", raw)
	}
	var ts float64
	if err := json.Unmarshal(pair[0], &ts); err != nil || math.IsNaN(ts) {
		return 0, 0, fmt.Errorf("time %.40s is not a number", pair[0])
	}
	var vs string
	if err := json.Unmarshal(pair[1], &vs); err != nil {
		return 0, 0, fmt.Errorf("value %.40s is not a quoted number", pair[1])
	}
	v, err := strconv.ParseFloat(vs, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("value %q is not a number", vs)
	}
	if ts < -1e15 || ts > 1e15 {
		return 0, 0, fmt.Errorf("time %v out of range", ts)
	}
	return int64(math.Round(ts)), v, nil
}

// jsonError adds the line and column to a JSON decoding error.
func jsonError(b []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 {
		return fmt.Errorf("decode JSON: %w", err)
	}
	off = min(off, int64(len(b)))
	line := 1 + bytes.Count(b[:off], []byte("\n"))
	col := off - int64(bytes.LastIndexByte(b[:off], '\n'))
	return fmt.Errorf("line %d column %d (offset %d): decode JSON: %w", line, col, off, err)
}
