package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wattson-dev/wattson/cmd/wattson/internal/functions"
	"github.com/wattson-dev/wattson/cmd/wattson/internal/promsource"
	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/detector/prom"
	"github.com/wattson-dev/wattson/detector/report"
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
	maxSamples := fs.Int("max-samples", prom.DefaultMaxSamples, "most samples (series × points) one Prometheus request may ask for; wider queries are sent in series shards")
	maxPoints := fs.Int("max-points", defaultMaxPoints, "refuse input of more than this many points in all series (memory grows with it: about 0.6 GB a million)")
	var fn functions.Input
	fs.StringVar(&fn.Profiles, "profiles", "", "profile directory (<dir>/<service>/<RFC3339>.pb.gz): find function-level regressions in --service's CPU profiles")
	fs.StringVar(&fn.Service, "service", "", "service whose profiles --profiles reads")
	fs.StringVar(&fn.Requests, "requests", "", "with --profiles: saved query_range response of the service's request rate (CPU per request instead of share of the profile)")
	fs.StringVar(&fn.Deploys, "deploys", "", "with --profiles: deploy log (JSON lines) naming the deploy in each change's window")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("detect: unexpected argument %q", fs.Arg(0))
	}
	if *format != "text" && *format != "json" {
		return usageErrorf("detect: --format must be text or json, got %q", *format)
	}
	if fn != (functions.Input{}) {
		switch {
		case *input != "" || *promURL != "":
			return usageErrorf("detect: give --profiles or --input/--prometheus, not both")
		case fn.Profiles == "" || fn.Service == "":
			return usageErrorf("detect: --profiles and --service go together (--requests and --deploys need them)")
		}
		return functions.Detect(ctx, fn, *format, e.stdout, e.stderr)
	}
	if *maxPoints <= 0 {
		return usageErrorf("detect: --max-points must be positive, got %d", *maxPoints)
	}
	if *maxSamples <= 0 {
		return usageErrorf("detect: --max-samples must be positive, got %d", *maxSamples)
	}
	var series []detector.Series
	var err error
	switch {
	case *input != "" && *promURL != "":
		return usageErrorf("detect: give --input or --prometheus, not both")
	case *input != "":
		series, err = seriesfile.Read(*input, *inputFormat, *maxPoints)
		if errors.Is(err, seriesfile.ErrFormat) {
			return usageErrorf("detect: --input-format must be prom, csv or tcpd, got %q", *inputFormat)
		}
	case *promURL != "":
		if *query == "" || *start == "" {
			return usageErrorf("detect: --prometheus needs --query and --start")
		}
		series, err = queryPrometheus(ctx, *promURL, *query, *start, *end, *step, *maxSamples)
	default:
		return usageErrorf("detect: give --input FILE or --prometheus URL --query Q --start T")
	}
	var notes []string
	if err == nil {
		notes, err = report.Screen(cmp.Or(*input, *promURL), series, detector.Options{}, *maxPoints)
	}
	for _, n := range notes {
		fmt.Fprintf(e.stderr, "wattson: detect: %s\n", n)
	}
	if errors.Is(err, detector.ErrTooManyPoints) {
		return fmt.Errorf("detect: %w (raise --max-points, or give a shorter range or fewer series)", err)
	}
	if err != nil {
		return fmt.Errorf("detect: %w", err)
	}
	found, err := report.Detect(ctx, series, detector.Options{}, detector.DefaultPolicy())
	if err != nil {
		return fmt.Errorf("detect: stopped before the end: %w", err)
	}
	if *format == "json" {
		return report.WriteJSON(e.stdout, found)
	}
	return report.WriteText(e.stdout, found)
}

// defaultMaxPoints is --max-points' default: 5 million points need about
// 3 GB while they are judged.
const defaultMaxPoints = 5_000_000

// queryPrometheus runs a range query against the server at addr.
func queryPrometheus(ctx context.Context, addr, query, start, end string, step time.Duration, maxSamples int) ([]detector.Series, error) {
	now := time.Now()
	st, err := prom.ParseTime(start, now)
	if err != nil {
		return nil, usageErrorf("detect: --start: %v", err)
	}
	en, err := prom.ParseTime(cmp.Or(end, "0s"), now)
	if err != nil {
		return nil, usageErrorf("detect: --end: %v", err)
	}
	src, err := promsource.New(addr, promsource.Options{MaxSamples: maxSamples})
	if err != nil {
		return nil, err
	}
	return src.Query(ctx, query, st, en, step)
}
