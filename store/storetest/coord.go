package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/store"
)

func testProposalVersioning(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := proposal("R-1")
	p.Version = 42 // ignored: a new proposal starts at version 1
	must(t, "create proposal", s.CreateProposal(ctx, p))
	if p.Version != 1 {
		t.Fatalf("created proposal version %d, want 1", p.Version)
	}
	stale := *p
	p.Body += "\n\nAlso bumps the cache size."
	must(t, "update proposal", s.UpdateProposal(ctx, p))
	if p.Version != 2 {
		t.Errorf("updated proposal version %d, want 2", p.Version)
	}
	stale.Status, stale.DecidedBy = store.ProposalApproved, "ana"
	wantErr(t, "approve stale version", s.UpdateProposal(ctx, &stale), store.ErrConflict)
	if stale.Version != 1 {
		t.Errorf("refused update changed the caller's version to %d", stale.Version)
	}
	got, err := s.GetProposal(ctx, p.ID)
	must(t, "get proposal", err)
	sameJSON(t, "proposal after refused update", got, p)

	got.Status, got.DecidedBy = store.ProposalApproved, "ana"
	got.DecidedAt = time.Date(2025, 3, 5, 10, 0, 0, 0, time.UTC)
	must(t, "approve current version", s.UpdateProposal(ctx, got))
	if got.Version != 3 {
		t.Errorf("approved proposal version %d, want 3", got.Version)
	}
}

func testProposalConcurrent(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := proposal("R-1")
	must(t, "create proposal", s.CreateProposal(ctx, p))
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			mine := *p
			mine.DecidedBy = fmt.Sprintf("user%d", i)
			errs[i] = s.UpdateProposal(ctx, &mine)
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		default:
			wantErr(t, "concurrent update", err, store.ErrConflict)
		}
	}
	if ok != 1 {
		t.Errorf("%d concurrent updates of version 1: %d succeeded, want 1", n, ok)
	}
}

func testAudit(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := time.Date(2025, 3, 5, 10, 0, 0, 0, time.FixedZone("X", -5*60*60))
	events := []store.AuditEvent{
		{At: at, Actor: "ana", Platform: "slack", Channel: "C1", Action: "approve", RecordID: "P-1", Detail: "v2", Allowed: true},
		{At: at, Actor: "bob", Platform: "discord", Channel: "D1", Action: "rollback", RecordID: "R-1", Detail: "not an approver"},
		{Actor: "wattson", Action: "alert", RecordID: "R-1", Allowed: true},
		{At: at, Actor: "ana", Action: "digest", Allowed: true},
		{At: at, Actor: "ana", Action: "dismiss", RecordID: "R-1", Allowed: true},
	}
	var last int64
	for i := range events {
		seq, err := s.AppendAudit(ctx, events[i])
		must(t, "append audit", err)
		if seq <= last {
			t.Errorf("audit seq %d after %d: want increasing", seq, last)
		}
		last = seq
		events[i].Seq = seq
		events[i].At = events[i].At.UTC()
	}
	all, err := s.ListAudit(ctx, "", 0)
	must(t, "list audit", err)
	if len(all) != len(events) {
		t.Fatalf("list audit: %d events, want %d", len(all), len(events))
	}
	if all[2].At.IsZero() || time.Since(all[2].At) > time.Hour {
		t.Errorf("event appended without a time got At %v, want now", all[2].At)
	}
	events[2].At = all[2].At // set by the store's clock; checked above
	sameJSON(t, "all audit events", all, events)

	byR, err := s.ListAudit(ctx, "R-1", 0)
	must(t, "list audit R-1", err)
	sameJSON(t, "audit of R-1", seqs(byR), []int64{events[1].Seq, events[2].Seq, events[4].Seq})
	newest, err := s.ListAudit(ctx, "R-1", 2)
	must(t, "list audit R-1 limit 2", err)
	sameJSON(t, "newest 2 of R-1", seqs(newest), []int64{events[2].Seq, events[4].Seq})
	allNewest, err := s.ListAudit(ctx, "", 1)
	must(t, "list audit limit 1", err)
	sameJSON(t, "newest event", seqs(allNewest), []int64{events[4].Seq})
	none, err := s.ListAudit(ctx, "P-404", 0)
	must(t, "list audit of unknown record", err)
	if len(none) != 0 {
		t.Errorf("audit of unknown record: %d events", len(none))
	}
}

func seqs(evs []store.AuditEvent) []int64 {
	out := []int64{}
	for _, ev := range evs {
		out = append(out, ev.Seq)
	}
	return out
}

func testLease(t *testing.T, s store.Store) {
	ctx := t.Context()
	acquire := func(owner string, want bool) {
		t.Helper()
		got, err := s.AcquireLease(ctx, "tick:2025-03-05T10:00", owner, time.Hour)
		must(t, "acquire lease", err)
		if got != want {
			t.Errorf("acquire lease as %s = %v, want %v", owner, got, want)
		}
	}
	acquire("replica-a", true)
	acquire("replica-b", false)
	acquire("replica-a", true) // renewal by the holder
	must(t, "release by non-owner", s.ReleaseLease(ctx, "tick:2025-03-05T10:00", "replica-b"))
	acquire("replica-b", false)
	must(t, "release by owner", s.ReleaseLease(ctx, "tick:2025-03-05T10:00", "replica-a"))
	acquire("replica-b", true)
	acquire("replica-a", false)
	must(t, "release unheld lease", s.ReleaseLease(ctx, "never-taken", "replica-a"))
	if got, err := s.AcquireLease(ctx, "other-key", "replica-a", time.Hour); err != nil || !got {
		t.Errorf("acquire an unrelated lease: %v %v", got, err)
	}
}

func testLeaseExpiry(t *testing.T, s store.Store) {
	ctx := t.Context()
	got, err := s.AcquireLease(ctx, "digest", "replica-a", expiry)
	must(t, "acquire lease", err)
	if !got {
		t.Fatal("acquire a free lease: false")
	}
	if got, _ := s.AcquireLease(ctx, "digest", "replica-b", time.Hour); got {
		t.Fatal("lease taken over before it expired")
	}
	time.Sleep(wait)
	got, err = s.AcquireLease(ctx, "digest", "replica-b", time.Hour)
	must(t, "acquire expired lease", err)
	if !got {
		t.Error("acquire an expired lease: false")
	}
	must(t, "release by former owner", s.ReleaseLease(ctx, "digest", "replica-a"))
	if got, _ := s.AcquireLease(ctx, "digest", "replica-a", time.Hour); got {
		t.Error("former owner's release freed the new owner's lease")
	}
}

func testRemember(t *testing.T, s store.Store) {
	ctx := t.Context()
	remember := func(key string, ttl time.Duration, want bool) {
		t.Helper()
		got, err := s.Remember(ctx, key, ttl)
		must(t, "remember", err)
		if got != want {
			t.Errorf("remember %s = %v, want %v", key, got, want)
		}
	}
	remember("slack:Ev123", time.Hour, true)
	remember("slack:Ev123", time.Hour, false)
	remember("slack:Ev124", time.Hour, true)
	remember("discord:short", expiry, true)
	remember("discord:short", expiry, false)
	time.Sleep(wait)
	remember("discord:short", time.Hour, true)
	remember("slack:Ev123", time.Hour, false)
}

func testTally(t *testing.T, s store.Store) {
	ctx := t.Context()
	tally := func(key, member string, ttl time.Duration, want int) {
		t.Helper()
		got, err := s.Tally(ctx, key, member, ttl)
		must(t, "tally", err)
		if got != want {
			t.Errorf("tally %s += %s = %d, want %d", key, member, got, want)
		}
	}
	tally("tick/a", "0", time.Hour, 1)
	tally("tick/a", "1", time.Hour, 2)
	tally("tick/a", "1", time.Hour, 2) // a shard run twice counts once
	tally("tick/b", "1", time.Hour, 1)
	tally("tick/short", "0", expiry, 1)
	time.Sleep(wait)
	tally("tick/short", "1", time.Hour, 1) // expired: counting starts again
	tally("tick/a", "2", time.Hour, 3)

	// Of concurrent calls completing a set of n, exactly one sees n.
	const n = 12
	var wg sync.WaitGroup
	counts := make([]int, n)
	for i := range n {
		wg.Go(func() {
			c, err := s.Tally(ctx, "tick/concurrent", fmt.Sprint(i), time.Hour)
			if err != nil {
				t.Error(err)
			}
			counts[i] = c
		})
	}
	wg.Wait()
	slices.Sort(counts)
	for i, c := range counts {
		if c != i+1 {
			t.Fatalf("concurrent tallies saw %v, want each of 1..%d once", counts, n)
		}
	}
}
