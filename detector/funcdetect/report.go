package funcdetect

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"time"
)

// WriteJSON writes res as {"changes":[...],"filtered":[...],"judged":N}:
// the regressions, the rises a filter dropped (with "filter"), and how
// many functions had enough samples to judge.
func WriteJSON(w io.Writer, res Result) error {
	out := struct {
		Changes  []Change `json:"changes"`
		Filtered []Change `json:"filtered"`
		Judged   int      `json:"judged"`
	}{finite(res.Regressions), finite(res.Filtered), res.Judged}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// finite returns cs with non-finite numbers zeroed (JSON has none) and
// never nil.
func finite(cs []Change) []Change {
	out := make([]Change, len(cs))
	for i, c := range cs {
		for _, v := range []*float64{&c.Before, &c.After, &c.Pct, &c.ServicePct, &c.CumPct, &c.Confidence} {
			if math.IsNaN(*v) || math.IsInf(*v, 0) {
				*v = 0
			}
		}
		out[i] = c
	}
	return out
}

// WriteText writes one line per regression, then a count of what the
// filters dropped.
func WriteText(w io.Writer, service string, res Result) error {
	if len(res.Regressions) == 0 {
		fmt.Fprintf(w, "%s: no function-level regression in %d functions judged\n", service, res.Judged)
	}
	for _, c := range res.Regressions {
		pct := fmt.Sprintf("%+.1f%%", c.Pct)
		if c.Before == 0 {
			pct = "new"
		}
		what := "function"
		if c.Cumulative {
			what = "function with its callees"
		}
		line := fmt.Sprintf("%s: %s %s at %s: %s %s, service %+.2f%% (%.3g → %.3g %s)",
			service, c.Function, c.Direction, c.Time.Format(time.RFC3339), what, pct, c.ServicePct, c.Before, c.After, c.Unit)
		if c.Deploy != "" {
			line += ", deploy " + c.Deploy
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	by := map[string]int{}
	for _, c := range res.Filtered {
		by[c.Filter]++
	}
	if len(by) > 0 {
		fmt.Fprintf(w, "dropped rises: %d went away, %d too small, %d cost shifts, %d renormalised, %d traffic mix\n",
			by[FilterWentAway], by[FilterSmall], by[FilterCostShift], by[FilterRenormalised], by[FilterTrafficMix])
	}
	return nil
}
