package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/wattson-dev/wattson/detector/funcdetect"
	"github.com/wattson-dev/wattson/detector/funcseries"
	"github.com/wattson-dev/wattson/detector/prom"
	"github.com/wattson-dev/wattson/skills/deploys"
)

// functionArgs are detect's flags for function-level detection.
type functionArgs struct {
	profiles, service, requests, deploys string
}

func functionFlags(fs *flag.FlagSet) *functionArgs {
	a := new(functionArgs)
	fs.StringVar(&a.profiles, "profiles", "", "profile directory (<dir>/<service>/<RFC3339>.pb.gz): find function-level regressions in --service's CPU profiles")
	fs.StringVar(&a.service, "service", "", "service whose profiles --profiles reads")
	fs.StringVar(&a.requests, "requests", "", "saved query_range response of the service's request rate: judge CPU per request instead of share of the profile")
	fs.StringVar(&a.deploys, "deploys", "", "deploy log (JSON lines): name the deploy in each change's window")
	return a
}

// detectFunctions runs function-level detection over a profile directory.
func detectFunctions(ctx context.Context, a *functionArgs, format string, e *env) error {
	if a.profiles == "" || a.service == "" {
		return usageErrorf("detect: --profiles and --service go together")
	}
	set := new(funcseries.Set)
	if _, err := funcseries.AppendDir(set, a.profiles, a.service); err != nil {
		return fmt.Errorf("detect: %w", err)
	}
	if set.Len() == 0 {
		return fmt.Errorf("detect: no profiles of %s in %s", a.service, a.profiles)
	}
	var opts funcdetect.Options
	if a.requests != "" {
		series, err := prom.ReadFile(a.requests)
		if err != nil {
			return fmt.Errorf("detect: --requests: %w", err)
		}
		if len(series) != 1 {
			return fmt.Errorf("detect: --requests %s holds %d series, want the service's one", a.requests, len(series))
		}
		gap := int64(0)
		if n := set.Len(); n > 1 {
			gap = (set.Times[n-1] - set.Times[0]) / int64(n-1)
		}
		opts.Requests = funcdetect.RequestsAt(set.Times, series[0], max(gap, 60))
	}
	if a.deploys != "" {
		data, err := os.ReadFile(a.deploys)
		if err != nil {
			return fmt.Errorf("detect: --deploys: %w", err)
		}
		ds, skips, err := deploys.ParseLog(data)
		if err != nil {
			return fmt.Errorf("detect: --deploys %s: %w", a.deploys, err)
		}
		for _, s := range skips {
			fmt.Fprintf(e.stderr, "wattson: detect: deploy log %s: %s\n", a.deploys, s)
		}
		for _, d := range ds {
			opts.Deploys = append(opts.Deploys, funcdetect.Deploy{Time: d.Time, Revision: cmp.Or(d.Version, d.Revision)})
		}
	}
	res, err := funcdetect.Detect(ctx, set, opts)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("detect: stopped before the end: %w", err)
	}
	if err != nil {
		return fmt.Errorf("detect: %w", err)
	}
	if format == "json" {
		return funcdetect.WriteJSON(e.stdout, res)
	}
	return funcdetect.WriteText(e.stdout, a.service, res)
}
