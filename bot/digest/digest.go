// Package digest computes and posts the bot's efficiency digest of a
// period: regressions caught and their response times, savings of merged
// fixes and reverts, proposals waiting for approval, the largest open
// opportunities, fixes verified and fixes that came back, and how much was
// found by Wattson versus by people. Compute is a pure function of the
// stored records; Digests loads them, renders the result and posts it.
package digest

import (
	"encoding/json"
	"sort"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/store"
)

// Digest is what a channel's efficiency digest reports about a period.
type Digest struct {
	// Scope is the channel reported on, or "all channels".
	Scope string
	// From and To bound the period.
	From, To time.Time
	// Caught counts regressions detected in the period; Resolved and
	// Dismissed those of them now resolved or dismissed.
	Caught, Resolved, Dismissed int
	// Response are the period's regressions' response times (kpi.go).
	Response Response
	// Waiting are proposals awaiting approval, oldest first.
	Waiting []store.Proposal
	// Cores, Watts and MWh are the savings recovered by merged fixes and
	// reverts (MWh over the period); WattsPerCore is the assumption.
	Cores, Watts, MWh, WattsPerCore float64
	// Top are the largest open opportunities nobody acted on yet.
	Top []store.Opportunity
	// Verified are the opportunities whose merged fixes a later scan found
	// to have taken during the period (fixcheck.go), oldest first;
	// VerifiedCores and VerifiedWatts add up what they measurably saved.
	Verified                     []store.Opportunity
	VerifiedCores, VerifiedWatts float64
	// Returned are the fixed opportunities whose pattern later scans found
	// back during the period, oldest first: their savings ended.
	Returned []store.Opportunity
	// ByWattson and ByPeople count wins (merged fixes and reverts) by who
	// started what found them: Wattson (an alert's investigation, the
	// scan) or a person (a command, a conversation), from the triggers of
	// the investigations that proposed them.
	ByWattson, ByPeople int
	// Week is the cores recovered at the end of each of the last 7 days.
	Week []bot.Point
}

// Spread summarises durations: how many, their median, 90th percentile
// and worst.
type Spread struct {
	N                  int
	Median, P90, Worst time.Duration
}

// win is a merged proposal and what it saves.
type win struct {
	at     time.Time
	until  time.Time // when the saving ended (a fixed pattern came back); zero: in force
	cores  float64
	wattso bool
}

// inForce reports whether w's saving held at t.
func (w win) inForce(t time.Time) bool {
	return !w.at.After(t) && (w.until.IsZero() || w.until.After(t))
}

// Records are the stored records a digest is computed from.
type Records struct {
	Regressions    []store.Regression
	Proposals      []store.Proposal
	Opportunities  []store.Opportunity
	Investigations []store.Investigation
}

// Compute is the digest of channel (every channel when empty) for the
// period of length period ending at to. route names the channel a
// service's opportunities are posted in.
func Compute(recs Records, channel string, to time.Time, period time.Duration, route func(service string) string, wattsPerCore float64) Digest {
	d := Digest{Scope: "all channels", From: to.Add(-period), To: to, WattsPerCore: wattsPerCore}
	if channel != "" {
		d.Scope = channel
	}
	rs, ps, os, invs := recs.Regressions, recs.Proposals, recs.Opportunities, recs.Investigations
	here := func(ch string) bool { return channel == "" || bot.SameChannel(ch, channel) }
	regs := map[string]store.Regression{}
	var inPeriod []store.Regression
	for _, r := range rs {
		regs[r.ID] = r
		if !here(r.Channel) || r.DetectedAt.Before(d.From) || r.DetectedAt.After(to) {
			continue
		}
		d.Caught++
		inPeriod = append(inPeriod, r)
		switch r.Status {
		case store.RegressionResolved:
			d.Resolved++
		case store.RegressionDismissed:
			d.Dismissed++
		}
	}
	d.Response = responseTimes(inPeriod, invs, ps)
	byID := map[string]store.Investigation{}
	for _, inv := range invs {
		byID[inv.ID] = inv
	}
	opps := map[string]store.Opportunity{}
	for _, o := range os {
		opps[o.ID] = o
		ch := route(o.Service)
		if o.Status == store.OpportunityOpen && here(ch) {
			d.Top = append(d.Top, o)
		}
		if o.Status == store.OpportunityFixed && here(ch) && !o.FixedAt.Before(d.From) && !o.FixedAt.After(to) {
			d.Verified = append(d.Verified, o)
			d.VerifiedCores += o.SavedCores
			d.VerifiedWatts += o.SavedWatts
		}
		if !o.ReturnedAt.IsZero() && here(ch) && !o.ReturnedAt.Before(d.From) && !o.ReturnedAt.After(to) {
			d.Returned = append(d.Returned, o)
		}
	}
	sort.SliceStable(d.Verified, func(i, j int) bool { return d.Verified[i].FixedAt.Before(d.Verified[j].FixedAt) })
	sort.SliceStable(d.Returned, func(i, j int) bool { return d.Returned[i].ReturnedAt.Before(d.Returned[j].ReturnedAt) })
	sort.SliceStable(d.Top, func(i, j int) bool { return d.Top[i].Watts > d.Top[j].Watts })
	if len(d.Top) > 5 {
		d.Top = d.Top[:5]
	}
	impact := revertImpact(invs)
	var wins []win
	for _, p := range ps {
		ch, known := "", false
		w := win{at: p.DecidedAt}
		if r, ok := regs[p.RegressionID]; ok {
			ch, known, w.wattso, w.cores = r.Channel, true, byWattson(p, byID), impact[r.ID]
		}
		if o, ok := opps[p.OpportunityID]; ok {
			ch, known, w.wattso, w.cores = route(o.Service), true, true, o.Cores
			if !o.FixedAt.IsZero() {
				w.cores = o.SavedCores // measured by a later scan, not estimated
			}
			if !o.ReturnedAt.IsZero() && p.DecidedAt.Before(o.ReturnedAt) {
				w.until = o.ReturnedAt // the pattern came back
			}
		}
		if known && !here(ch) || !known && channel != "" {
			continue
		}
		switch p.Status {
		case store.ProposalProposed:
			d.Waiting = append(d.Waiting, p)
		case store.ProposalMerged:
			wins = append(wins, w)
		}
	}
	d.tally(wins)
	return d
}

// tally adds up the wins: counts in the period, savings in force at its
// end, energy over it, and the week's curve.
func (d *Digest) tally(wins []win) {
	for _, w := range wins {
		if w.at.After(d.To) {
			continue
		}
		if w.inForce(d.To) {
			d.Cores += w.cores
		}
		if !w.at.Before(d.From) {
			if w.wattso {
				d.ByWattson++
			} else {
				d.ByPeople++
			}
		}
		start, end := w.at, d.To
		if start.Before(d.From) {
			start = d.From
		}
		if !w.until.IsZero() && w.until.Before(end) {
			end = w.until
		}
		if end.After(start) {
			d.MWh += w.cores * d.WattsPerCore * end.Sub(start).Hours() / 1e6
		}
	}
	d.Watts = d.Cores * d.WattsPerCore
	for i := 6; i >= 0; i-- {
		end := d.To.Add(-time.Duration(i) * 24 * time.Hour)
		var c float64
		for _, w := range wins {
			if w.inForce(end) {
				c += w.cores
			}
		}
		d.Week = append(d.Week, bot.Point{T: end, V: c})
	}
}

// revertImpact is, per regression, the extra cores its latest
// investigation's estimate_impact step put on it: what a revert recovers.
func revertImpact(invs []store.Investigation) map[string]float64 {
	out := map[string]float64{}
	for _, inv := range invs {
		for _, s := range inv.Steps {
			if s.Skill != "estimate_impact" || inv.RegressionID == "" || len(s.Output) == 0 {
				continue
			}
			var im struct {
				ExtraCores float64 `json:"extra_cores"`
			}
			if json.Unmarshal(s.Output, &im) == nil && im.ExtraCores > 0 {
				out[inv.RegressionID] = im.ExtraCores
			}
		}
	}
	return out
}
