package main

import (
	"context"
	"fmt"

	"github.com/wattson-dev/wattson/cmd/wattson/internal/functions"
	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/detector/eval"
)

// cmdEval scores a component against a labelled data set; today the
// detector, against the TCPD benchmark or the perfseries set.
func cmdEval(ctx context.Context, args []string, e *env) error {
	if len(args) > 0 && args[0] == "investigate" {
		return evalInvestigate(ctx, args[1:], e)
	}
	if len(args) > 0 && args[0] == "offense" {
		return evalOffense(ctx, args[1:], e)
	}
	if len(args) == 0 || args[0] != "detector" {
		fs := newFlagSet("eval", e)
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		return usageErrorf("eval: want 'eval detector --tcpd DIR | --perfseries DIR | --functions DIR', 'eval investigate --scenarios DIR' or 'eval offense --corpus DIR'")
	}
	fs := newFlagSet("eval", e)
	tcpdDir := fs.String("tcpd", "", "TCPD benchmark directory (annotations.json, datasets/)")
	perfDir := fs.String("perfseries", "", "perfseries directory (series.json, truth.json)")
	fnDir := fs.String("functions", "", "function-level set (truth.json, <service>/*.pb.gz, requests/); generated there first when it has no truth.json")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("eval detector: unexpected argument %q", fs.Arg(0))
	}
	if *fnDir != "" {
		if *tcpdDir != "" || *perfDir != "" {
			return usageErrorf("eval detector: give exactly one of --tcpd DIR, --perfseries DIR or --functions DIR")
		}
		return functions.Eval(ctx, *fnDir, e.stdout, e.stderr)
	}
	if (*tcpdDir == "") == (*perfDir == "") {
		return usageErrorf("eval detector: give exactly one of --tcpd DIR, --perfseries DIR or --functions DIR")
	}
	opts := detector.Options{}
	if *tcpdDir != "" {
		rep, err := eval.TCPD(ctx, *tcpdDir, nil, opts)
		if err != nil {
			return fmt.Errorf("eval detector: %w", err)
		}
		return rep.WriteTable(e.stdout)
	}
	rep, err := eval.PerfSeries(ctx, *perfDir, opts)
	if err != nil {
		return fmt.Errorf("eval detector: %w", err)
	}
	return rep.WriteTable(e.stdout)
}
