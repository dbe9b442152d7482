// Package tcpd reads the Turing Change Point Detection benchmark format
// (van den Burg & Williams, 2020): one JSON file per dataset with n_obs,
// n_dim, time.index/time.raw and series[].raw, and annotations.json mapping
// each dataset to its annotators' change-point indices.
package tcpd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/wattson-dev/wattson/detector"
)

// ErrEmpty reports a dataset with no observations or no series.
var ErrEmpty = errors.New("no data")

// Dataset is one TCPD dataset: its name and one Series per dimension. Each
// Series is labelled {"dataset": name}, plus {"dimension": label} when
// there is more than one.
type Dataset struct {
	Name   string
	Series []detector.Series
}

// file is the on-disk shape; values may be null (missing).
type file struct {
	Name string `json:"name"`
	NObs int    `json:"n_obs"`
	NDim int    `json:"n_dim"`
	Time *struct {
		Format string   `json:"format"`
		Raw    []string `json:"raw"`
	} `json:"time"`
	Series []struct {
		Label string     `json:"label"`
		Raw   []*float64 `json:"raw"`
	} `json:"series"`
}

// ReadFile reads the dataset JSON at path.
func ReadFile(path string) (Dataset, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Dataset{}, fmt.Errorf("read tcpd dataset: %w", err)
	}
	d, err := Parse(b)
	if err != nil {
		return Dataset{}, fmt.Errorf("read tcpd dataset %s: %w", path, err)
	}
	return d, nil
}

// Parse decodes one dataset. Times come from time.raw when its format is
// one the package knows (%Y, %Y-%m, %Y-%m-%d, with %H:%M:%S); otherwise
// the series have no times.
func Parse(b []byte) (Dataset, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return Dataset{}, fmt.Errorf("empty input: %w", ErrEmpty)
	}
	var f file
	if err := json.Unmarshal(b, &f); err != nil {
		return Dataset{}, jsonError(b, err)
	}
	if f.Name == "" {
		return Dataset{}, errors.New("missing name")
	}
	if f.NObs <= 0 || len(f.Series) == 0 {
		return Dataset{}, fmt.Errorf("dataset %s: %w", f.Name, ErrEmpty)
	}
	if f.NDim != 0 && f.NDim != len(f.Series) {
		return Dataset{}, fmt.Errorf("dataset %s: n_dim %d but %d series", f.Name, f.NDim, len(f.Series))
	}
	times, err := parseTimes(f)
	if err != nil {
		return Dataset{}, fmt.Errorf("dataset %s: %w", f.Name, err)
	}
	d := Dataset{Name: f.Name}
	for si, s := range f.Series {
		if len(s.Raw) != f.NObs {
			return Dataset{}, fmt.Errorf("dataset %s series %d: %d values, n_obs %d", f.Name, si, len(s.Raw), f.NObs)
		}
		ds := detector.Series{Labels: map[string]string{"dataset": f.Name}, Times: times, Values: make([]float64, f.NObs)}
		if len(f.Series) > 1 {
			ds.Labels["dimension"] = s.Label
		}
		for i, v := range s.Raw {
			ds.Values[i] = math.NaN()
			if v != nil {
				ds.Values[i] = *v
			}
		}
		d.Series = append(d.Series, ds)
	}
	return d, nil
}

// parseTimes converts time.raw with the dataset's format; nil when the
// format is absent or unknown.
func parseTimes(f file) ([]int64, error) {
	if f.Time == nil || len(f.Time.Raw) != f.NObs {
		return nil, nil
	}
	layout, ok := map[string]string{
		"%Y":                "2006",
		"%Y-%m":             "2006-01",
		"%Y-%m-%d":          "2006-01-02",
		"%Y-%m-%d %H:%M:%S": "2006-01-02 15:04:05",
	}[f.Time.Format]
	if !ok {
		return nil, nil
	}
	out := make([]int64, len(f.Time.Raw))
	for i, r := range f.Time.Raw {
		t, err := time.Parse(layout, r)
		if err != nil {
			return nil, fmt.Errorf("time %d: %q does not match %s", i, r, f.Time.Format)
		}
		out[i] = t.Unix()
		if i > 0 && out[i] <= out[i-1] {
			return nil, fmt.Errorf("time %d: %q is not after the previous time", i, r)
		}
	}
	return out, nil
}

// ReadAnnotations reads annotations.json: dataset → annotator → 0-based
// change-point indices.
func ReadAnnotations(path string) (map[string]map[string][]int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read tcpd annotations: %w", err)
	}
	var a map[string]map[string][]int
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, fmt.Errorf("read tcpd annotations %s: %w", path, jsonError(b, err))
	}
	if len(a) == 0 {
		return nil, fmt.Errorf("read tcpd annotations %s: %w", path, ErrEmpty)
	}
	return a, nil
}

// jsonError adds the line, column and offset to a JSON decoding error.
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
