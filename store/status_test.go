package store_test

import (
	"testing"

	"github.com/wattson-dev/wattson/store"
)

// legal lists every allowed move between two different statuses, as
// "from→to"; any other pair of different statuses must be refused.
type legal map[string]bool

// checkTable checks can against want for every pair of statuses (and an
// unknown one), and that staying put is always allowed.
func checkTable[S ~string](t *testing.T, statuses []S, can func(from, to S) bool, want legal) {
	t.Helper()
	all := append(statuses, "", "bogus")
	for _, from := range all {
		for _, to := range all {
			move := string(from) + "→" + string(to)
			if got := can(from, to); got != (from == to || want[move]) {
				t.Errorf("%s: CanBecome = %v", move, got)
			}
			delete(want, move)
		}
	}
	for move := range want {
		t.Errorf("%s: listed as legal but not between known statuses", move)
	}
}

func TestRegressionTransitions(t *testing.T) {
	checkTable(t, []store.RegressionStatus{
		store.RegressionOpen, store.RegressionInvestigating, store.RegressionProposed,
		store.RegressionMitigating, store.RegressionResolved, store.RegressionDismissed,
	}, store.RegressionStatus.CanBecome, legal{
		"open→investigating": true, "open→proposed": true, "open→mitigating": true,
		"open→resolved": true, "open→dismissed": true,
		"investigating→open": true, "investigating→proposed": true, "investigating→mitigating": true,
		"investigating→resolved": true, "investigating→dismissed": true,
		"proposed→open": true, "proposed→mitigating": true, "proposed→resolved": true, "proposed→dismissed": true,
		"mitigating→open": true, "mitigating→resolved": true,
	})
}

func TestProposalTransitions(t *testing.T) {
	checkTable(t, []store.ProposalStatus{
		store.ProposalProposed, store.ProposalApproved, store.ProposalMerged,
		store.ProposalRejected, store.ProposalRolledBack,
	}, store.ProposalStatus.CanBecome, legal{
		"proposed→approved": true, "proposed→rejected": true, "proposed→merged": true,
		"approved→merged": true, "approved→rejected": true, "approved→rolled_back": true,
		"merged→rolled_back": true,
	})
}

func TestOpportunityTransitions(t *testing.T) {
	checkTable(t, []store.OpportunityStatus{
		store.OpportunityOpen, store.OpportunityProposed, store.OpportunityFixed, store.OpportunityDismissed,
	}, store.OpportunityStatus.CanBecome, legal{
		"open→proposed": true, "open→dismissed": true,
		"proposed→fixed": true, "proposed→open": true, "proposed→dismissed": true,
		"fixed→open": true,
	})
}

// TestAwaitsDecisionMoves pins what the bot relies on when it checks
// AwaitsDecision before a move: a regression awaiting a decision may get a
// proposal, have a revert approved or merged, be dismissed, or be
// resolved because the change went away.
func TestAwaitsDecisionMoves(t *testing.T) {
	for _, s := range []store.RegressionStatus{
		store.RegressionOpen, store.RegressionInvestigating, store.RegressionProposed,
		store.RegressionMitigating, store.RegressionResolved, store.RegressionDismissed,
	} {
		if !s.AwaitsDecision() {
			continue
		}
		for _, next := range []store.RegressionStatus{store.RegressionMitigating, store.RegressionDismissed, store.RegressionResolved, store.RegressionProposed} {
			if !s.CanBecome(next) {
				t.Errorf("%s awaits a decision but cannot become %s", s, next)
			}
		}
	}
}
