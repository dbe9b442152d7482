package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/detector/prom"
	"github.com/wattson-dev/wattson/detector/seriesfile"
)

// cmdDetect finds the changes in series read from a file or a Prometheus
// server and prints them as text or JSON.
func cmdDetect(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("detect", e)
	input := fs.String("input", "", "series file: a saved query_range JSON response, a time,value CSV or a TCPD dataset JSON")
	inputFormat := fs.String("input-format", "", "format of --input: prom, csv or tcpd (default: detected)")
	promURL := fs.String("prometheus", "", "Prometheus server URL to query instead of --input")
	query := fs.String("query", "", "PromQL query for --prometheus")
	start := fs.String("start", "", "query start: RFC 3339, unix seconds or a negative duration from now (e.g. -72h)")
	end := fs.String("end", "", "query end, same forms as --start (default now)")
	step := fs.Duration("step", 5*time.Minute, "query resolution")
	format := fs.String("format", "text", "output format: text or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("detect: unexpected argument %q", fs.Arg(0))
	}
	if *format != "text" && *format != "json" {
		return usageErrorf("detect: --format must be text or json, got %q", *format)
	}
	var series []detector.Series
	var err error
	switch {
	case *input != "" && *promURL != "":
		return usageErrorf("detect: give --input or --prometheus, not both")
	case *input != "":
		series, err = readSeriesFile(*input, *inputFormat)
	case *promURL != "":
		if *query == "" || *start == "" {
			return usageErrorf("detect: --prometheus needs --query and --start")
		}
		series, err = queryPrometheus(ctx, *promURL, *query, *start, *end, *step)
	default:
		return usageErrorf("detect: give --input FILE or --prometheus URL --query Q --start T")
	}
	if err != nil {
		return fmt.Errorf("detect: %w", err)
	}
	found := detectAll(series)
	if *format == "json" {
		return writeChangesJSON(e.stdout, found)
	}
	return writeChangesText(e.stdout, found, len(series))
}

// seriesChanges is one series and the changes found in it.
type seriesChanges struct {
	labels  map[string]string
	changes []detector.Change
}

// detectAll runs the detector with default options and the default policy.
func detectAll(series []detector.Series) []seriesChanges {
	d := detector.New(detector.Options{})
	pol := detector.DefaultPolicy()
	out := make([]seriesChanges, 0, len(series))
	for _, s := range series {
		out = append(out, seriesChanges{s.Labels, pol.Apply(d.Detect(s.Values, s.Times))})
	}
	return out
}

// readSeriesFile reads path in format, or the format its name and content
// suggest; an unknown format is a usage mistake.
func readSeriesFile(path, format string) ([]detector.Series, error) {
	ss, err := seriesfile.Read(path, format)
	if errors.Is(err, seriesfile.ErrFormat) {
		return nil, usageErrorf("detect: --input-format must be prom, csv or tcpd, got %q", format)
	}
	return ss, err
}

// queryPrometheus runs a range query against the server at addr.
func queryPrometheus(ctx context.Context, addr, query, start, end string, step time.Duration) ([]detector.Series, error) {
	now := time.Now()
	st, err := parseWhen(start, now)
	if err != nil {
		return nil, usageErrorf("detect: --start: %v", err)
	}
	en := now
	if end != "" {
		if en, err = parseWhen(end, now); err != nil {
			return nil, usageErrorf("detect: --end: %v", err)
		}
	}
	src, err := prom.New(addr, nil)
	if err != nil {
		return nil, err
	}
	return src.Query(ctx, query, st, en, step)
}

// parseWhen reads RFC 3339, unix seconds, or a negative duration from now.
func parseWhen(s string, now time.Time) (time.Time, error) {
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

// writeChangesJSON prints {"changes":[...]} with every change of every series.
func writeChangesJSON(w io.Writer, found []seriesChanges) error {
	out := struct {
		Changes []jsonChange `json:"changes"`
	}{Changes: []jsonChange{}}
	for _, sc := range found {
		labels := sc.labels
		if labels == nil {
			labels = map[string]string{}
		}
		for _, c := range sc.changes {
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

// writeChangesText prints one line per change.
func writeChangesText(w io.Writer, found []seriesChanges, nSeries int) error {
	total := 0
	for _, sc := range found {
		key := detector.LabelsKey(sc.labels)
		for _, c := range sc.changes {
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
	if _, err := fmt.Fprintf(w, "%d changes in %d series\n", total, nSeries); err != nil {
		return fmt.Errorf("write changes: %w", err)
	}
	return nil
}
