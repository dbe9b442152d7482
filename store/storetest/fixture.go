package storetest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/store"
)

// Fixture is what Populate wrote, for Check to find again after the store
// was closed and reopened, or its server restarted.
type Fixture struct {
	Regression    store.Regression
	Investigation store.Investigation
	Proposal      store.Proposal
	Opportunity   store.Opportunity
	Audit         []store.AuditEvent
	// HeldJob was dequeued by a consumer that never acknowledged it;
	// Queued are still waiting, oldest first.
	HeldJob store.Job
	Queued  []string
}

// Fixture names.
const (
	fixtureLease     = "fixture-lease"
	fixtureOwner     = "replica-a"
	fixtureKey       = "slack:Ev-fixture"
	fixtureConsumer  = "replica-dead"
	fixtureConsumer2 = "replica-alive"
)

// Populate writes one record of each kind, audit events, queued and held
// jobs, a lease and an idempotency key into s, which should be empty.
func Populate(t *testing.T, s store.Store) Fixture {
	t.Helper()
	ctx := t.Context()
	var f Fixture
	r := regression("checkout")
	_, err := s.CreateRegressionIfNew(ctx, r)
	must(t, "create regression", err)
	inv := investigation(r.ID)
	must(t, "create investigation", s.CreateInvestigation(ctx, inv))
	p := proposal(r.ID)
	must(t, "create proposal", s.CreateProposal(ctx, p))
	p.PRURL, p.PRNumber = "https://github.com/acme/checkout/pull/42", 42
	must(t, "update proposal", s.UpdateProposal(ctx, p))
	o := opportunity("search", "route.Match")
	_, err = s.CreateOpportunityIfNew(ctx, o)
	must(t, "create opportunity", err)
	r.Cores = 3.5
	must(t, "update regression", s.UpdateRegression(ctx, r))
	o.Thread = store.ThreadRef{Platform: "slack", Channel: "C1", MessageID: "1712345678.000300"}
	must(t, "update opportunity", s.UpdateOpportunity(ctx, o))
	f.Regression, f.Investigation, f.Proposal, f.Opportunity = *r, *inv, *p, *o

	for _, ev := range []store.AuditEvent{
		{At: time.Date(2025, 3, 5, 10, 0, 0, 0, time.UTC), Actor: "wattson", Action: "alert", RecordID: r.ID, Allowed: true},
		{At: time.Date(2025, 3, 5, 10, 5, 0, 0, time.UTC), Actor: "ana", Platform: "slack", Action: "approve", RecordID: p.ID, Allowed: true},
	} {
		ev.Seq, err = s.AppendAudit(ctx, ev)
		must(t, "append audit", err)
		f.Audit = append(f.Audit, ev)
	}

	for _, payload := range []string{`{"n":1}`, `{"n":2}`, `{"n":3}`} {
		id, err := s.Enqueue(ctx, "investigate", json.RawMessage(payload))
		must(t, "enqueue", err)
		f.Queued = append(f.Queued, id)
	}
	held, err := s.Dequeue(ctx, fixtureConsumer, time.Second)
	must(t, "dequeue", err)
	f.HeldJob, f.Queued = *held, f.Queued[1:]

	got, err := s.AcquireLease(ctx, fixtureLease, fixtureOwner, time.Hour)
	must(t, "acquire lease", err)
	if !got {
		t.Fatal("acquire fixture lease: false")
	}
	first, err := s.Remember(ctx, fixtureKey, time.Hour)
	must(t, "remember", err)
	if !first {
		t.Fatal("remember fixture key: not first")
	}
	return f
}

// Check verifies that s, reopened over the data Populate wrote, still has
// all of it: records at their versions, ids that continue rather than
// restart, the audit log, queued and held jobs, the lease and the
// idempotency key. It consumes the jobs.
func (f Fixture) Check(t *testing.T, s store.Store) {
	t.Helper()
	ctx := t.Context()
	r, err := s.GetRegression(ctx, f.Regression.ID)
	must(t, "get regression", err)
	sameJSON(t, "regression after reopen", r, f.Regression)
	inv, err := s.GetInvestigation(ctx, f.Investigation.ID)
	must(t, "get investigation", err)
	sameJSON(t, "investigation after reopen", inv, f.Investigation)
	p, err := s.GetProposal(ctx, f.Proposal.ID)
	must(t, "get proposal", err)
	sameJSON(t, "proposal after reopen", p, f.Proposal)
	o, err := s.GetOpportunity(ctx, f.Opportunity.ID)
	must(t, "get opportunity", err)
	sameJSON(t, "opportunity after reopen", o, f.Opportunity)

	dup := regression("checkout")
	created, err := s.CreateRegressionIfNew(ctx, dup)
	must(t, "create duplicate regression", err)
	if created || dup.ID != f.Regression.ID {
		t.Errorf("fingerprint index lost: duplicate created %v as %s", created, dup.ID)
	}
	next := regression("search")
	_, err = s.CreateRegressionIfNew(ctx, next)
	must(t, "create regression", err)
	if idNumber(t, next.ID, store.KindRegression) <= idNumber(t, f.Regression.ID, store.KindRegression) {
		t.Errorf("id after reopen %s does not continue after %s", next.ID, f.Regression.ID)
	}
	stale := f.Proposal
	stale.Version--
	wantErr(t, "update stale proposal", s.UpdateProposal(ctx, &stale), store.ErrConflict)
	staleR := f.Regression
	staleR.Version--
	wantErr(t, "update stale regression", s.UpdateRegression(ctx, &staleR), store.ErrConflict)
	staleO := f.Opportunity
	staleO.Version--
	wantErr(t, "update stale opportunity", s.UpdateOpportunity(ctx, &staleO), store.ErrConflict)

	audit, err := s.ListAudit(ctx, "", 0)
	must(t, "list audit", err)
	sameJSON(t, "audit after reopen", audit, f.Audit)
	seq, err := s.AppendAudit(ctx, store.AuditEvent{Actor: "ana", Action: "status"})
	must(t, "append audit", err)
	if seq <= f.Audit[len(f.Audit)-1].Seq {
		t.Errorf("audit seq after reopen %d does not continue", seq)
	}

	reclaimed, err := s.Reclaim(ctx, fixtureConsumer2, 0)
	must(t, "reclaim", err)
	held := f.HeldJob
	held.Attempts++
	sameJSON(t, "reclaimed held job", reclaimed, []store.Job{held})
	for _, id := range f.Queued {
		job, err := s.Dequeue(ctx, fixtureConsumer2, time.Second)
		must(t, "dequeue queued job", err)
		if job.ID != id {
			t.Errorf("dequeued %s after reopen, want %s", job.ID, id)
		}
		must(t, "ack", s.Ack(ctx, job.ID))
	}
	must(t, "ack reclaimed job", s.Ack(ctx, held.ID))
	_, err = s.Dequeue(ctx, fixtureConsumer2, 0)
	wantErr(t, "dequeue after draining", err, store.ErrNoJob)

	if got, err := s.AcquireLease(ctx, fixtureLease, "replica-b", time.Hour); err != nil || got {
		t.Errorf("lease after reopen: other owner acquired %v (err %v), want it still held", got, err)
	}
	if first, err := s.Remember(ctx, fixtureKey, time.Hour); err != nil || first {
		t.Errorf("idempotency key after reopen: first %v (err %v), want remembered", first, err)
	}
}
