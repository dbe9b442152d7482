// Package storetest is the conformance suite every store.Store
// implementation passes. An implementation's tests call Run with a function
// that opens a fresh, empty store, use Populate and Fixture.Check to show
// that data survives a restart of whatever backs the store, and
// Unversioned and CheckUnversioned to show that records stored before
// regressions and opportunities had versions are still read and updated.
// The suite covers the Change functions of package store too, since their
// retries rest on each store's version check.
//
// The suite uses short real waits (a few hundred milliseconds in all) where
// the contract is about expiry or idle time, because a Redis server keeps
// its own clock; it never asserts how long an operation takes.
package storetest

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/store"
)

// Run runs the conformance suite as parallel subtests of t. open must
// return a fresh, empty store that no other subtest sees, and close it in
// t.Cleanup.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"IDsMonotonicPerKind", testIDsMonotonic},
		{"RecordRoundTrip", testRoundTrip},
		{"NotFound", testNotFound},
		{"UpdateAllKinds", testUpdate},
		{"ListOptions", testList},
		{"CreateIfNewDedupes", testCreateIfNew},
		{"CreateIfNewConcurrent", testCreateIfNewConcurrent},
		{"ProposalVersioning", testProposalVersioning},
		{"ProposalConcurrentUpdates", testProposalConcurrent},
		{"RegressionVersioning", testRegressionVersioning},
		{"OpportunityVersioning", testOpportunityVersioning},
		{"ChangeKeepsToTransitions", testChangeTransitions},
		{"ChangeWritesNothing", testChangeWritesNothing},
		{"ChangeConcurrentWritersLoseNothing", testChangeConcurrent},
		{"ChangeGivesUpOnConflicts", testChangeGivesUp},
		{"ResolveWentAway", testResolveWentAway},
		{"AuditAppendOnlyOrdered", testAudit},
		{"LeaseExclusive", testLease},
		{"LeaseExpires", testLeaseExpiry},
		{"RememberOnce", testRemember},
		{"TallyCountsDistinctMembers", testTally},
		{"QueueBasics", testQueueBasics},
		{"QueueBlockingDequeueWakes", testQueueWakes},
		{"QueueDequeueHonoursCancel", testQueueCancel},
		{"QueueCompetingConsumers", testQueueCompeting},
		{"QueueReclaimFromDeadConsumer", testQueueReclaim},
		{"QueueRetryFailedJob", testQueueRetry},
		{"FunctionSeries", testFunctionSeries},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open(t))
		})
	}
}

// expiry is the ttl or idle time the suite waits out; wait is how long it
// sleeps to be sure expiry has passed.
const (
	expiry = 100 * time.Millisecond
	wait   = 250 * time.Millisecond
)

// sameJSON fails t unless got and want encode to the same JSON.
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatalf("encode %s: %v", what, err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatalf("encode %s: %v", what, err)
	}
	if string(g) != string(w) {
		t.Errorf("%s:\n got  %s\n want %s", what, g, w)
	}
}

// must fails t if err is not nil.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// wantErr fails t unless err matches target.
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: got error %v, want %v", what, err, target)
	}
}

// idNumber returns the number of a record id, failing t unless it has the
// given kind.
func idNumber(t *testing.T, id string, k store.Kind) uint64 {
	t.Helper()
	got, n, err := store.ParseID(id)
	if err != nil || got != k {
		t.Fatalf("id %q: want a %s-<n> id (err %v)", id, k, err)
	}
	return n
}

// regression returns a regression on a series of service, fully filled in,
// with times in a non-UTC zone to check that the store stores UTC.
func regression(service string) *store.Regression {
	zone := time.FixedZone("CEST", 2*60*60)
	labels := map[string]string{"service": service, "zone": "eu-1"}
	key := store.SeriesKey("cpu_seconds_per_request", labels)
	change := time.Date(2025, 3, 4, 12, 30, 0, 0, zone)
	return &store.Regression{
		Fingerprint: "fp-" + key + "@" + change.UTC().Format(time.RFC3339),
		Service:     service,
		Metric:      "cpu_seconds_per_request",
		Labels:      labels,
		SeriesKey:   key,
		ChangeTime:  change,
		DetectedAt:  change.Add(20 * time.Minute),
		Before:      0.012,
		After:       0.0153,
		Pct:         27.5,
		Confidence:  0.97,
		Direction:   store.DirectionUp,
		Status:      store.RegressionOpen,
		Channel:     "#team-" + service,
		Thread:      store.ThreadRef{Platform: "slack", Channel: "C024BE91L", MessageID: "1712345678.000200"},
	}
}

// investigation returns a filled-in investigation of regressionID.
func investigation(regressionID string) *store.Investigation {
	start := time.Date(2025, 3, 4, 13, 0, 0, 0, time.UTC)
	return &store.Investigation{
		RegressionID: regressionID,
		Trigger:      store.TriggerAlert,
		Mode:         store.ModePlaybook,
		Status:       store.InvestigationRunning,
		Steps: []store.Step{{
			Skill:    "deploys_in_window",
			Input:    json.RawMessage(`{"service":"checkout"}`),
			Summary:  "1 deploy in window",
			Output:   json.RawMessage(`{"deploys":[{"revision":"abc123"}]}`),
			Duration: 1500 * time.Millisecond,
		}},
		Suspects: []store.Suspect{{
			Commit: "abc123", Author: "ana", Title: "cache: drop memo", Score: 0.8,
			Evidence: []string{"shipped 4 minutes before the change", "touches a hot function"},
		}},
		Verdict:    "abc123 removed the memo cache",
		TokensUsed: 1234,
		Cost:       0.02,
		StartedAt:  start,
	}
}

// proposal returns a filled-in revert proposal for regressionID.
func proposal(regressionID string) *store.Proposal {
	return &store.Proposal{
		Kind:         store.ProposalRevert,
		RegressionID: regressionID,
		Target:       "abc123",
		Repo:         "acme/checkout",
		Status:       store.ProposalProposed,
		Title:        "Revert \"cache: drop memo\"",
		Body:         "CPU per request rose 27% after abc123.",
	}
}

// opportunity returns a filled-in opportunity in function of service.
func opportunity(service, function string) *store.Opportunity {
	return &store.Opportunity{
		Fingerprint: store.OpportunityFingerprint(service, function, "regexp-compile-in-hot-path"),
		Service:     service,
		Function:    function,
		File:        "internal/route/match.go",
		Lines:       "41-44",
		Pattern:     "regexp-compile-in-hot-path",
		CPUShare:    0.031,
		Cores:       2.5,
		Watts:       25,
		Suggestion:  "compile the pattern once, outside the request path",
		Status:      store.OpportunityOpen,
		FoundAt:     time.Date(2025, 3, 5, 3, 0, 0, 0, time.UTC),
	}
}
