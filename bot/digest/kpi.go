package digest

import (
	"slices"
	"time"

	"github.com/wattson-dev/wattson/store"
)

// Response are the response times of a period's regressions, from their
// stored times: the program's KPIs. The alert's time is the regression's
// DetectedAt (it is posted as it is stored).
type Response struct {
	// Detect is change → alert.
	Detect Spread
	// Culprit is alert → the first finished investigation that named
	// suspects.
	Culprit Spread
	// Proposal is alert → the first revert or fix proposed for it.
	Proposal Spread
	// Mitigate is alert → the merge of its fix or revert.
	Mitigate Spread
	// Recover is alert → its recovery verified (resolved, not gone away
	// by itself).
	Recover Spread
}

// responseTimes measures the response times of regs.
func responseTimes(regs []store.Regression, invs []store.Investigation, ps []store.Proposal) Response {
	culprit := map[string]time.Time{}
	for _, inv := range invs {
		if inv.RegressionID != "" && inv.Status == store.InvestigationDone && len(inv.Suspects) > 0 {
			culprit[inv.RegressionID] = earliest(culprit[inv.RegressionID], inv.FinishedAt)
		}
	}
	proposed, merged := map[string]time.Time{}, map[string]time.Time{}
	for _, p := range ps {
		if p.RegressionID == "" {
			continue
		}
		proposed[p.RegressionID] = earliest(proposed[p.RegressionID], p.ProposedAt)
		if p.Status == store.ProposalMerged || p.Status == store.ProposalRolledBack && !p.MergedAt.IsZero() {
			at := p.MergedAt
			if at.IsZero() {
				at = p.DecidedAt
			}
			merged[p.RegressionID] = earliest(merged[p.RegressionID], at)
		}
	}
	var detect, toCulprit, toProposal, mitigate, recovered []time.Duration
	add := func(ds *[]time.Duration, from, to time.Time) {
		if !from.IsZero() && !to.IsZero() && !to.Before(from) {
			*ds = append(*ds, to.Sub(from))
		}
	}
	for _, r := range regs {
		add(&detect, r.ChangeTime, r.DetectedAt)
		add(&toCulprit, r.DetectedAt, culprit[r.ID])
		add(&toProposal, r.DetectedAt, proposed[r.ID])
		add(&mitigate, r.DetectedAt, merged[r.ID])
		if r.Status == store.RegressionResolved && !r.WentAway {
			add(&recovered, r.DetectedAt, r.ResolvedAt)
		}
	}
	return Response{Detect: spread(detect), Culprit: spread(toCulprit), Proposal: spread(toProposal),
		Mitigate: spread(mitigate), Recover: spread(recovered)}
}

// earliest is the earlier of two times, the zero time counting as none.
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}

// byWattson reports whether the win p was found by Wattson — its detector
// (an investigation triggered by an alert) or its scan (an opportunity) —
// rather than by a person asking (a command or a conversation). A
// proposal whose investigation is unknown counts as the detector's when
// it answers a regression.
func byWattson(p store.Proposal, invs map[string]store.Investigation) bool {
	if inv, ok := invs[p.InvestigationID]; ok {
		return inv.Trigger == store.TriggerAlert
	}
	return p.RegressionID != "" || p.OpportunityID != ""
}

// spread computes the median, 90th percentile and worst of ds.
func spread(ds []time.Duration) Spread {
	if len(ds) == 0 {
		return Spread{}
	}
	slices.Sort(ds)
	med := ds[len(ds)/2]
	if len(ds)%2 == 0 {
		med = (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
	}
	// The nearest-rank 90th percentile.
	p90 := ds[max(0, (9*len(ds)+9)/10-1)]
	return Spread{N: len(ds), Median: med, P90: p90, Worst: ds[len(ds)-1]}
}
