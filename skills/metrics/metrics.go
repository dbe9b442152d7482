// Package metrics adapts metric stores to skills.SeriesSource: saved
// Prometheus query_range responses on disk, and a live Prometheus server.
package metrics

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/detector/prom"
	"github.com/wattson-dev/wattson/skills"
)

// Files serves series from saved query_range responses.
type Files struct {
	paths []string
}

var _ skills.SeriesSource = (*Files)(nil)

// NewFiles returns a source over the query_range JSON files at paths. It
// does no I/O: files are read on each call.
func NewFiles(paths ...string) *Files {
	return &Files{paths: paths}
}

// Series reads every file and keeps the series that match. A saved
// response is already a window, so start and end are not applied.
func (f *Files) Series(_ context.Context, metric, service string, _, _ time.Time) ([]detector.Series, error) {
	var out []detector.Series
	for _, p := range f.paths {
		ss, err := prom.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("read metrics: %w", err)
		}
		for _, s := range ss {
			if matches(s, metric, service) {
				out = append(out, s)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("series %s{service=%q} in %s: %w", metric, service, strings.Join(f.paths, ", "), skills.ErrNoSeries)
	}
	return out, nil
}

// Check reads every file as Series does and describes the points the
// detector will skip: one note per series with NaN or ±Inf values, naming
// the file, the series and the first indexes.
func (f *Files) Check() ([]string, error) {
	var notes []string
	for _, p := range f.paths {
		ss, err := prom.ReadFile(p)
		if err != nil {
			return notes, fmt.Errorf("read metrics: %w", err)
		}
		for _, s := range ss {
			if bad := s.NonFinite(); len(bad) > 0 {
				notes = append(notes, fmt.Sprintf("metrics %s: series %s: %d of %d points are NaN or Inf and are skipped (first at index %d)",
					p, s.Key(), len(bad), len(s.Values), bad[0]))
			}
		}
	}
	return notes, nil
}

// matches reports whether s is metric (any metric when empty) of service.
func matches(s detector.Series, metric, service string) bool {
	if s.Labels["service"] != service {
		return false
	}
	return metric == "" || s.Labels["__name__"] == metric
}

// Querier runs range queries; detector/prom.Source is one.
type Querier interface {
	Query(ctx context.Context, query string, start, end time.Time, step time.Duration) ([]detector.Series, error)
}

// Prometheus serves series from a live Prometheus HTTP API.
type Prometheus struct {
	q    Querier
	step time.Duration
}

var _ skills.SeriesSource = (*Prometheus)(nil)

// NewPrometheus returns a source querying q at the given step.
func NewPrometheus(q Querier, step time.Duration) *Prometheus {
	return &Prometheus{q: q, step: step}
}

// MaxPoints is the most points per series a range query asks for:
// Prometheus refuses more than 11,000 ("exceeded maximum resolution").
const MaxPoints = 11000

// ErrSeveralMetrics reports that a service has several metrics and none
// was named.
var ErrSeveralMetrics = errors.New("several metrics match: name one")

// Series queries metric{service="..."} at the source's step or, for a
// range that would need more than MaxPoints at it, at the finest
// whole-second step that fits. With no metric it first asks which
// metrics the service has (group by __name__, build_info series left
// out): one is the metric, several are ErrSeveralMetrics listing them.
// Errors name the selector and the window.
func (p *Prometheus) Series(ctx context.Context, metric, service string, start, end time.Time) ([]detector.Series, error) {
	sel := "{service=" + strconv.Quote(service) + "}"
	window := fmt.Sprintf("from %s to %s", start.UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339))
	if metric == "" {
		names, err := p.metricNames(ctx, sel, start, end)
		if err != nil {
			return nil, fmt.Errorf("list the metrics of %s %s: %w", sel, window, err)
		}
		switch len(names) {
		case 0:
			return nil, fmt.Errorf("query %s %s: %w", sel, window, skills.ErrNoSeries)
		case 1:
			metric = names[0]
		default:
			return nil, fmt.Errorf("query %s %s: %d metrics (%s): %w", sel, window, len(names), strings.Join(names, ", "), ErrSeveralMetrics)
		}
	}
	sel = metric + sel
	ss, err := p.q.Query(ctx, sel, start, end, StepFor(start, end, p.step))
	if err != nil {
		return nil, fmt.Errorf("query %s %s: %w", sel, window, err)
	}
	if len(ss) == 0 {
		return nil, fmt.Errorf("query %s %s: %w", sel, window, skills.ErrNoSeries)
	}
	return ss, nil
}

// metricNames lists, sorted, the metric names of sel's series over
// [start, end] but build_info ones, in one query of a point or two per
// name.
func (p *Prometheus) metricNames(ctx context.Context, sel string, start, end time.Time) ([]string, error) {
	step := max(end.Sub(start), time.Second)
	ss, err := p.q.Query(ctx, "group by (__name__) ("+sel+")", start, end, step)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var names []string
	for _, s := range ss {
		if n := s.Labels["__name__"]; n != "" && !seen[n] && !strings.HasSuffix(n, "_build_info") {
			seen[n] = true
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names, nil
}

// StepFor returns step, or the finest whole-second step at which [start,
// end] has at most MaxPoints points when step is too fine for that.
func StepFor(start, end time.Time, step time.Duration) time.Duration {
	span := end.Sub(start)
	if span <= 0 || span/step < MaxPoints {
		return step
	}
	need := (span + MaxPoints - 2) / (MaxPoints - 1) // ceil(span / (MaxPoints-1))
	if s := need.Truncate(time.Second); s < need {
		need = s + time.Second
	}
	return max(step, need)
}
