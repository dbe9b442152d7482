package functions

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/wattson-dev/wattson/detector/funcdetect"
	"github.com/wattson-dev/wattson/detector/funcseries"
	"github.com/wattson-dev/wattson/detector/prom"
	"github.com/wattson-dev/wattson/skills/deploys"
)

// Input is what `detect --profiles` reads.
type Input struct {
	// Profiles is the profile directory, Service the service in it.
	Profiles, Service string
	// Requests is a saved query_range response of the service's request
	// rate (empty: share of the profile); Deploys a deploy log (empty:
	// none).
	Requests, Deploys string
}

// Detect finds the function-level regressions in in's profiles and writes
// them to stdout as text or JSON ({"changes":[...]}); notes on skipped
// deploy log lines go to stderr. Its errors start "detect: ".
func Detect(ctx context.Context, in Input, format string, stdout, stderr io.Writer) error {
	if err := detect(ctx, in, format, stdout, stderr); err != nil {
		return fmt.Errorf("detect: %w", err)
	}
	return nil
}

func detect(ctx context.Context, in Input, format string, stdout, stderr io.Writer) error {
	set := new(funcseries.Set)
	if _, err := funcseries.AppendDir(set, in.Profiles, in.Service); err != nil {
		return err
	}
	if set.Len() == 0 {
		return fmt.Errorf("no profiles of %s in %s", in.Service, in.Profiles)
	}
	var opts funcdetect.Options
	if in.Requests != "" {
		series, err := prom.ReadFile(in.Requests)
		if err != nil {
			return fmt.Errorf("--requests: %w", err)
		}
		if len(series) != 1 {
			return fmt.Errorf("--requests %s holds %d series, want the service's one", in.Requests, len(series))
		}
		gap := int64(0)
		if n := set.Len(); n > 1 {
			gap = (set.Times[n-1] - set.Times[0]) / int64(n-1)
		}
		opts.Requests = funcdetect.RequestsAt(set.Times, series[0], max(gap, 60))
	}
	if in.Deploys != "" {
		data, err := os.ReadFile(in.Deploys)
		if err != nil {
			return fmt.Errorf("--deploys: %w", err)
		}
		ds, skips, err := deploys.ParseLog(data)
		if err != nil {
			return fmt.Errorf("--deploys %s: %w", in.Deploys, err)
		}
		for _, s := range skips {
			fmt.Fprintf(stderr, "wattson: detect: deploy log %s: %s\n", in.Deploys, s)
		}
		for _, d := range ds {
			opts.Deploys = append(opts.Deploys, funcdetect.Deploy{Time: d.Time, Revision: cmp.Or(d.Version, d.Revision)})
		}
	}
	res, err := funcdetect.Detect(ctx, set, opts)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("stopped before the end: %w", err)
	}
	if err != nil {
		return err
	}
	if format == "json" {
		return funcdetect.WriteJSON(stdout, res)
	}
	return funcdetect.WriteText(stdout, in.Service, res)
}
