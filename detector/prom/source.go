package prom

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"

	"github.com/wattson-dev/wattson/detector"
)

// Source queries a Prometheus-compatible server (Prometheus, Thanos, Mimir)
// through its HTTP API.
type Source struct {
	api v1.API
}

// New returns a Source for the server at addr (e.g. http://prometheus:9090).
// client may be nil for http.DefaultClient's transport. New does no I/O.
func New(addr string, client *http.Client) (*Source, error) {
	cfg := api.Config{Address: addr}
	if client != nil {
		cfg.Client = client
	}
	c, err := api.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("create prometheus client: %w", err)
	}
	return &Source{api: v1.NewAPI(c)}, nil
}

// Query runs query over [start, end] at step and returns one Series per
// result. A query that matches nothing returns no series and no error.
func (s *Source) Query(ctx context.Context, query string, start, end time.Time, step time.Duration) ([]detector.Series, error) {
	if step <= 0 {
		return nil, errors.New("query prometheus: step must be positive")
	}
	v, _, _, err := s.api.QueryRange(ctx, query, v1.Range{Start: start, End: end, Step: step})
	if err != nil {
		return nil, fmt.Errorf("query prometheus: %w", err)
	}
	m, ok := v.(model.Matrix)
	if !ok {
		return nil, fmt.Errorf("query prometheus: result type %s, want matrix", v.Type())
	}
	return fromMatrix(m), nil
}

// fromMatrix converts a client_golang matrix to Series.
func fromMatrix(m model.Matrix) []detector.Series {
	out := make([]detector.Series, 0, len(m))
	for _, ss := range m {
		s := detector.Series{
			Labels: make(map[string]string, len(ss.Metric)),
			Times:  make([]int64, len(ss.Values)),
			Values: make([]float64, len(ss.Values)),
		}
		for k, v := range ss.Metric {
			s.Labels[string(k)] = string(v)
		}
		for i, p := range ss.Values {
			s.Times[i] = int64(math.Round(float64(p.Timestamp) / 1000))
			s.Values[i] = float64(p.Value)
		}
		out = append(out, s)
	}
	return out
}

// FileSource answers queries from a saved query_range response: every
// query returns the file's series cut to [start, end]; a zero start or end
// leaves that side open.
type FileSource struct {
	Path string
}

// Query reads the file and returns its series within [start, end]; query
// and step are ignored.
func (f FileSource) Query(_ context.Context, _ string, start, end time.Time, _ time.Duration) ([]detector.Series, error) {
	all, err := ReadFile(f.Path)
	if err != nil {
		return nil, err
	}
	for i, s := range all {
		lo, hi := 0, len(s.Times)
		for lo < hi && !start.IsZero() && s.Times[lo] < start.Unix() {
			lo++
		}
		for hi > lo && !end.IsZero() && s.Times[hi-1] > end.Unix() {
			hi--
		}
		all[i].Times, all[i].Values = s.Times[lo:hi], s.Values[lo:hi]
	}
	return all, nil
}

// ParseTime reads a query bound as the Prometheus API takes it, RFC 3339
// or unix seconds, or as a negative duration from now (e.g. -72h).
func ParseTime(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(v, 0), nil
	}
	if d, err := time.ParseDuration(s); err == nil && d <= 0 {
		return now.Add(d), nil
	}
	return time.Time{}, fmt.Errorf("%q is not RFC 3339, unix seconds or a negative duration", s)
}
