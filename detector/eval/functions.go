package eval

import (
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"text/tabwriter"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/detector/funcdetect"
	"github.com/wattson-dev/wattson/detector/funcseries"
	"github.com/wattson-dev/wattson/detector/funcsynth"
	"github.com/wattson-dev/wattson/detector/prom"
)

// functionTolerance is how many points from the planted change a
// detection may be and still count as found: an hour at a 10-minute step.
const functionTolerance = 6

// FunctionRow scores one kind of case (one planted effect, or one
// nuisance kind) for the function-level and the service-level detector.
type FunctionRow struct {
	// Kind is the case kind; Effect the planted service-level effect in
	// percent (steps only).
	Kind   string
	Effect float64
	// Services is how many services had this case.
	Services int
	// Found and ServiceFound count steps found (the right function near
	// the right time; for the service level, a rise near the time).
	Found, ServiceFound int
	// Alarms and ServiceAlarms count regressions reported that are not
	// the planted step.
	Alarms, ServiceAlarms int
	// ShareFound and ShareAlarms are Found and Alarms of function-level
	// detection on share of the profile (no request rate), as `wattson
	// serve` judges captured profiles.
	ShareFound, ShareAlarms int
}

// FunctionReport is the score of a generated function-level data set.
type FunctionReport struct {
	// Rows are the steps by effect, then the nuisance kinds.
	Rows []FunctionRow
	// Days is how many days each service covers.
	Days float64
}

// Functions scores function-level detection (package funcdetect) on the
// data set in dir (written by funcsynth.Generate), on CPU per request and
// on share of the profile (as serve judges captures), and the service-level
// detector on each service's CPU per request from the same profiles
// (default options, any rise lasting 30 minutes: its most sensitive
// policy).
func Functions(ctx context.Context, dir string, opts funcdetect.Options) (FunctionReport, error) {
	truth, err := funcsynth.ReadTruth(dir)
	if err != nil {
		return FunctionReport{}, err
	}
	rep := FunctionReport{Days: float64(truth.Points) * truth.Step.Hours() / 24}
	rows := map[string]*FunctionRow{}
	var order []string
	svcPolicy := detector.DefaultPolicy()
	svcPolicy.MinPct = 0
	d := detector.New(detector.Options{})
	for _, c := range truth.Cases {
		key := fmt.Sprintf("%s/%g", c.Kind, c.ServicePct)
		row := rows[key]
		if row == nil {
			row = &FunctionRow{Kind: c.Kind, Effect: c.ServicePct}
			rows[key] = row
			order = append(order, key)
		}
		row.Services++
		set := new(funcseries.Set)
		if _, err := funcseries.AppendDir(set, dir, c.Service); err != nil {
			return FunctionReport{}, err
		}
		reqs, err := prom.ReadFile(filepath.Join(dir, "requests", c.Service+".json"))
		if err != nil {
			return FunctionReport{}, err
		}
		if len(reqs) != 1 {
			return FunctionReport{}, fmt.Errorf("requests of %s: %d series, want 1", c.Service, len(reqs))
		}
		o := opts
		o.Requests = funcdetect.RequestsAt(set.Times, reqs[0], int64(truth.Step.Seconds()/2))
		for _, share := range []bool{false, true} {
			if share {
				o.Requests = nil
			}
			res, err := funcdetect.Detect(ctx, set, o)
			if err != nil {
				return FunctionReport{}, err
			}
			found, alarms := scoreCase(c, res)
			if share {
				row.ShareFound, row.ShareAlarms = row.ShareFound+found, row.ShareAlarms+alarms
			} else {
				row.Found, row.Alarms = row.Found+found, row.Alarms+alarms
			}
		}
		o.Requests = funcdetect.RequestsAt(set.Times, reqs[0], int64(truth.Step.Seconds()/2))
		found := false
		for _, ch := range svcPolicy.Apply(d.Detect(serviceCPU(set, o.Requests), set.Times)) {
			if !ch.Regression {
				continue
			}
			if !found && c.Kind == funcsynth.KindStep && abs(ch.Index-c.Index) <= functionTolerance {
				found = true
				continue
			}
			row.ServiceAlarms++
		}
		if found {
			row.ServiceFound++
		}
		if err := ctx.Err(); err != nil {
			return FunctionReport{}, err
		}
	}
	for _, k := range order {
		rep.Rows = append(rep.Rows, *rows[k])
	}
	slices.SortStableFunc(rep.Rows, func(a, b FunctionRow) int {
		if (a.Kind == funcsynth.KindStep) != (b.Kind == funcsynth.KindStep) {
			if a.Kind == funcsynth.KindStep {
				return -1
			}
			return 1
		}
		switch {
		case a.Effect < b.Effect:
			return -1
		case a.Effect > b.Effect:
			return 1
		}
		return 0
	})
	return rep, nil
}

// scoreCase is 1 when res has c's planted step (its function near its time)
// and how many of res's regressions are not it.
func scoreCase(c funcsynth.Case, res funcdetect.Result) (found, alarms int) {
	for _, r := range res.Regressions {
		if found == 0 && c.Kind == funcsynth.KindStep && r.Function == c.Function && abs(r.Index-c.Index) <= functionTolerance {
			found = 1
			continue
		}
		alarms++
	}
	return found, alarms
}

// serviceCPU is the service's CPU per request at each point of set (the
// same unit the service-level metric has), NaN without a request rate.
func serviceCPU(set *funcseries.Set, requests []float64) []float64 {
	v := make([]float64, set.Len())
	for i := range v {
		d := set.Durations[i]
		if d <= 0 {
			d = 1
		}
		v[i] = math.NaN()
		if requests[i] > 0 {
			v[i] = float64(set.Totals[i]) * set.Period.Seconds() / (requests[i] * d)
		}
	}
	return v
}

// Recall is the share of steps with an effect of at least minEffect found
// by the function-level (fn) and the service-level (svc) detector.
func (r FunctionReport) Recall(minEffect float64) (fn, svc float64) {
	var n, f, s int
	for _, row := range r.Rows {
		if row.Kind == funcsynth.KindStep && row.Effect >= minEffect {
			n += row.Services
			f += row.Found
			s += row.ServiceFound
		}
	}
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	return float64(f) / float64(n), float64(s) / float64(n)
}

// NuisanceAlarms is the false alarms per 100 service-days on the nuisance
// cases, function-level and service-level.
func (r FunctionReport) NuisanceAlarms() (fn, svc float64) {
	var n, f, s int
	for _, row := range r.Rows {
		if row.Kind != funcsynth.KindStep {
			n += row.Services
			f += row.Alarms
			s += row.ServiceAlarms
		}
	}
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	days := float64(n) * r.Days / 100
	return float64(f) / days, float64(s) / days
}

// Share is Recall(minEffect) and NuisanceAlarms of function-level
// detection on share of the profile.
func (r FunctionReport) Share(minEffect float64) (recall, alarms float64) {
	var n, f, m, a int
	for _, row := range r.Rows {
		switch {
		case row.Kind == funcsynth.KindStep && row.Effect >= minEffect:
			n += row.Services
			f += row.ShareFound
		case row.Kind != funcsynth.KindStep:
			m += row.Services
			a += row.ShareAlarms
		}
	}
	return float64(f) / float64(max(n, 1)), float64(a) / (float64(max(m, 1)) * r.Days / 100)
}

// WriteTable renders the report.
func (r FunctionReport) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "case\tservices\tfunction, per request: found\talarms\tfunction, share of profile: found\talarms\tservice level: found\talarms")
	for _, row := range r.Rows {
		name := row.Kind
		if row.Kind == funcsynth.KindStep {
			name = fmt.Sprintf("step %g%%", row.Effect)
			fmt.Fprintf(tw, "%s\t%d\t%d (%.2f)\t%d\t%d (%.2f)\t%d\t%d (%.2f)\t%d\n", name, row.Services,
				row.Found, ratio(row.Found, row.Services), row.Alarms,
				row.ShareFound, ratio(row.ShareFound, row.Services), row.ShareAlarms,
				row.ServiceFound, ratio(row.ServiceFound, row.Services), row.ServiceAlarms)
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t-\t%d\t-\t%d\t-\t%d\n", name, row.Services, row.Alarms, row.ShareAlarms, row.ServiceAlarms)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fr, sr := r.Recall(0.5)
	fa, sa := r.NuisanceAlarms()
	hr, ha := r.Share(0.5)
	n, f, h, s := r.nuisanceCounts()
	_, err := fmt.Fprintf(w, "recall for effects >= 0.5%%: function-level %.2f, share of profile %.2f, service-level %.2f (target >= 0.9)\n"+
		"false alarms on nuisances per 100 service-days: function-level %.2f, share of profile %.2f, service-level %.2f (target <= 1)\n"+
		"  that is %d, %d and %d alarms in %.0f nuisance service-days (one alarm more or less moves a rate by %.2f)\n",
		fr, hr, sr, fa, ha, sa, f, h, s, n, 100/max(n, 1))
	return err
}

// nuisanceCounts is how many service-days the nuisance cases cover and
// the false alarms on them: function-level, share of profile and
// service-level. A rate from a few alarms is a rough one: one alarm's 95%
// Poisson interval is 0.025–5.6 alarms.
func (r FunctionReport) nuisanceCounts() (days float64, fn, share, svc int) {
	for _, row := range r.Rows {
		if row.Kind != funcsynth.KindStep {
			days += float64(row.Services) * r.Days
			fn += row.Alarms
			share += row.ShareAlarms
			svc += row.ServiceAlarms
		}
	}
	return days, fn, share, svc
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
