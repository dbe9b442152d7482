package digest

import (
	"testing"
	"time"

	"github.com/wattson-dev/wattson/store"
)

// TestWinsCountedByTrigger: a merged fix counts as Wattson's when the
// investigation that proposed it was started by an alert, as people's
// when by a command or a conversation.
func TestWinsCountedByTrigger(t *testing.T) {
	day := time.Date(2025, 6, 4, 0, 0, 0, 0, time.UTC)
	recs := Records{
		Regressions: []store.Regression{{ID: "R-1", Channel: "#perf", DetectedAt: day}, {ID: "R-2", Channel: "#perf", DetectedAt: day}, {ID: "R-3", Channel: "#perf", DetectedAt: day}},
		Investigations: []store.Investigation{{ID: "I-1", RegressionID: "R-1", Trigger: store.TriggerAlert},
			{ID: "I-2", RegressionID: "R-2", Trigger: store.TriggerCommand}, {ID: "I-3", RegressionID: "R-3", Trigger: store.TriggerConversation}},
		Proposals: []store.Proposal{
			{ID: "P-1", RegressionID: "R-1", InvestigationID: "I-1", Status: store.ProposalMerged, DecidedAt: day.Add(time.Hour)},
			{ID: "P-2", RegressionID: "R-2", InvestigationID: "I-2", Status: store.ProposalMerged, DecidedAt: day.Add(time.Hour)},
			{ID: "P-3", RegressionID: "R-3", InvestigationID: "I-3", Status: store.ProposalMerged, DecidedAt: day.Add(time.Hour)},
		},
	}
	d := Compute(recs, "", day.Add(12*time.Hour), DigestPeriod, func(string) string { return "#perf" }, 10)
	if d.ByWattson != 1 || d.ByPeople != 2 {
		t.Errorf("wins by Wattson %d, by people %d; want 1 (the alert's) and 2 (a command's, a conversation's)", d.ByWattson, d.ByPeople)
	}
}

func TestSpreadPercentiles(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 10; i++ {
		ds = append(ds, time.Duration(i)*time.Minute)
	}
	got := spread(ds)
	if got.N != 10 || got.Median != 5*time.Minute+30*time.Second || got.P90 != 9*time.Minute || got.Worst != 10*time.Minute {
		t.Errorf("spread = %+v", got)
	}
}
