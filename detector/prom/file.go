package prom

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/wattson-dev/wattson/detector"
)

// ErrEmpty reports a response that holds no series or a series with no
// points.
var ErrEmpty = errors.New("no data")

// ReadFile reads a saved /api/v1/query_range response (matrix) from path.
func ReadFile(path string) ([]detector.Series, error) {
	return ReadFileLimit(path, 0)
}

// ReadFileLimit is ReadFile refusing, with detector.ErrTooManyPoints, a
// response of more than maxPoints points in all (0: no limit).
func ReadFileLimit(path string, maxPoints int) ([]detector.Series, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read query_range file: %w", err)
	}
	defer f.Close()
	s, err := parseReader(f, maxPoints)
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

// parse is Parse refusing more than maxPoints points (0: no limit).
func parse(b []byte, maxPoints int) ([]detector.Series, error) {
	return parseReader(bytes.NewReader(b), maxPoints)
}

// parseReader decodes a saved query_range response from r as a stream
// (decodeMatrix), refusing more than maxPoints points (0: no limit), an
// empty result and a series without points.
func parseReader(r io.Reader, maxPoints int) ([]detector.Series, error) {
	e, err := decodeMatrix(r, decodeOptions{maxPoints: maxPoints})
	switch {
	case err != nil:
		return nil, err
	case e.status != "success":
		return nil, fmt.Errorf("status %q: %s %s", e.status, e.errorType, e.error)
	case !e.hasData:
		return nil, errors.New("no data object")
	case e.resultType != "matrix":
		return nil, fmt.Errorf("result type %q, want matrix", e.resultType)
	case len(e.series) == 0:
		return nil, fmt.Errorf("result has no series: %w", ErrEmpty)
	}
	return e.series, nil
}
