package store

import "slices"

// This file holds the one transition table of each record status: which
// moves are legal. ChangeRegression, ChangeProposal and ChangeOpportunity
// refuse any other move with ErrTransition. Staying in the same status is
// always legal (a change of other fields). The resolved, dismissed,
// rejected and rolled_back statuses are final; an unknown status has no
// moves.

// Next returns the statuses a regression in status s may move to, other
// than s itself:
//
//	open          → investigating, proposed, mitigating, resolved, dismissed
//	investigating → open, proposed, mitigating, resolved, dismissed
//	proposed      → open, mitigating, resolved, dismissed
//	mitigating    → open, resolved
//	resolved, dismissed: final
//
// An investigation starts from open and goes back to open when it fails;
// a proposal made (by an investigation or by hand) moves a regression
// awaiting a decision to proposed, and proposed goes back to open when no
// proposal is left. An approved or hand-merged revert moves it to
// mitigating from any status awaiting a decision; mitigating goes back to
// open when the fix is closed or the metric did not recover, and is
// resolved when it did. A regression awaiting a decision is resolved when
// the change went away (WentAway) and may be dismissed by a person; one
// being mitigated is resolved when it went away too.
func (s RegressionStatus) Next() []RegressionStatus {
	switch s {
	case RegressionOpen:
		return []RegressionStatus{RegressionInvestigating, RegressionProposed, RegressionMitigating, RegressionResolved, RegressionDismissed}
	case RegressionInvestigating:
		return []RegressionStatus{RegressionOpen, RegressionProposed, RegressionMitigating, RegressionResolved, RegressionDismissed}
	case RegressionProposed:
		return []RegressionStatus{RegressionOpen, RegressionMitigating, RegressionResolved, RegressionDismissed}
	case RegressionMitigating:
		return []RegressionStatus{RegressionOpen, RegressionResolved}
	}
	return nil
}

// CanBecome reports whether a regression in status s may move to next:
// next is s, or one of s.Next().
func (s RegressionStatus) CanBecome(next RegressionStatus) bool {
	return next == s || slices.Contains(s.Next(), next)
}

// Next returns the statuses a proposal in status s may move to, other than
// s itself:
//
//	proposed → approved, rejected, merged
//	approved → merged, rejected, rolled_back
//	merged   → rolled_back
//	rejected, rolled_back: final
//
// A proposal is approved or rejected by a person, or rejected when its
// change is closed on the code host without merging (also after
// approval). It is merged when its change merges, through Wattson after
// approval or by hand on the code host before it. An approved or merged
// proposal may be rolled back.
func (s ProposalStatus) Next() []ProposalStatus {
	switch s {
	case ProposalProposed:
		return []ProposalStatus{ProposalApproved, ProposalRejected, ProposalMerged}
	case ProposalApproved:
		return []ProposalStatus{ProposalMerged, ProposalRejected, ProposalRolledBack}
	case ProposalMerged:
		return []ProposalStatus{ProposalRolledBack}
	}
	return nil
}

// CanBecome reports whether a proposal in status s may move to next: next
// is s, or one of s.Next().
func (s ProposalStatus) CanBecome(next ProposalStatus) bool {
	return next == s || slices.Contains(s.Next(), next)
}

// Next returns the statuses an opportunity in status s may move to, other
// than s itself:
//
//	open     → proposed, dismissed
//	proposed → fixed, open, dismissed
//	fixed    → open
//	dismissed: final
//
// An open opportunity becomes proposed when its fix is proposed, and
// proposed goes back to open when that fix is dropped; a later scan marks
// it fixed when the pattern is gone after the fix merged, and open again
// when the pattern comes back. A person may dismiss one that is not fixed.
func (s OpportunityStatus) Next() []OpportunityStatus {
	switch s {
	case OpportunityOpen:
		return []OpportunityStatus{OpportunityProposed, OpportunityDismissed}
	case OpportunityProposed:
		return []OpportunityStatus{OpportunityFixed, OpportunityOpen, OpportunityDismissed}
	case OpportunityFixed:
		return []OpportunityStatus{OpportunityOpen}
	}
	return nil
}

// CanBecome reports whether an opportunity in status s may move to next:
// next is s, or one of s.Next().
func (s OpportunityStatus) CanBecome(next OpportunityStatus) bool {
	return next == s || slices.Contains(s.Next(), next)
}
