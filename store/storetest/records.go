package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/store"
)

func testIDsMonotonic(t *testing.T, s store.Store) {
	ctx := t.Context()
	last := map[store.Kind]uint64{}
	next := func(id string, k store.Kind) {
		t.Helper()
		n := idNumber(t, id, k)
		if n <= last[k] {
			t.Errorf("id %s after %s-%d: want increasing numbers", id, k, last[k])
		}
		last[k] = n
	}
	for i := range 3 {
		r := regression(fmt.Sprintf("svc%d", i))
		_, err := s.CreateRegressionIfNew(ctx, r)
		must(t, "create regression", err)
		next(r.ID, store.KindRegression)

		inv := investigation(r.ID)
		must(t, "create investigation", s.CreateInvestigation(ctx, inv))
		next(inv.ID, store.KindInvestigation)

		p := proposal(r.ID)
		must(t, "create proposal", s.CreateProposal(ctx, p))
		next(p.ID, store.KindProposal)

		o := opportunity("svc", fmt.Sprintf("fn%d", i))
		_, err = s.CreateOpportunityIfNew(ctx, o)
		must(t, "create opportunity", err)
		next(o.ID, store.KindOpportunity)
	}
}

func testRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	r := regression("checkout")
	_, err := s.CreateRegressionIfNew(ctx, r)
	must(t, "create regression", err)
	if r.UpdatedAt.IsZero() {
		t.Error("create regression: UpdatedAt not set")
	}
	if r.Version != 1 {
		t.Errorf("created regression version %d, want 1", r.Version)
	}
	gotR, err := s.GetRegression(ctx, r.ID)
	must(t, "get regression", err)
	sameJSON(t, "regression", gotR, r)
	for name, ts := range map[string]time.Time{"ChangeTime": gotR.ChangeTime, "DetectedAt": gotR.DetectedAt, "UpdatedAt": gotR.UpdatedAt} {
		if ts.Location() != time.UTC {
			t.Errorf("regression %s in %v, want UTC", name, ts.Location())
		}
	}
	if !gotR.ChangeTime.Equal(regression("checkout").ChangeTime) {
		t.Errorf("regression ChangeTime %v, want the same instant as given", gotR.ChangeTime)
	}

	inv := investigation(r.ID)
	must(t, "create investigation", s.CreateInvestigation(ctx, inv))
	gotI, err := s.GetInvestigation(ctx, inv.ID)
	must(t, "get investigation", err)
	sameJSON(t, "investigation", gotI, inv)

	p := proposal(r.ID)
	must(t, "create proposal", s.CreateProposal(ctx, p))
	if p.Version != 1 {
		t.Errorf("created proposal version %d, want 1", p.Version)
	}
	gotP, err := s.GetProposal(ctx, p.ID)
	must(t, "get proposal", err)
	sameJSON(t, "proposal", gotP, p)

	o := opportunity("search", "route.Match")
	_, err = s.CreateOpportunityIfNew(ctx, o)
	must(t, "create opportunity", err)
	if o.Version != 1 {
		t.Errorf("created opportunity version %d, want 1", o.Version)
	}
	gotO, err := s.GetOpportunity(ctx, o.ID)
	must(t, "get opportunity", err)
	sameJSON(t, "opportunity", gotO, o)
}

func testNotFound(t *testing.T, s store.Store) {
	ctx := t.Context()
	r := regression("checkout")
	_, err := s.CreateRegressionIfNew(ctx, r)
	must(t, "create regression", err)
	for _, id := range []string{"R-999", "", "bogus", "R-", "R-01", "P-1", "r-1"} {
		_, err := s.GetRegression(ctx, id)
		wantErr(t, "get regression "+id, err, store.ErrNotFound)
	}
	_, err = s.GetInvestigation(ctx, "I-1")
	wantErr(t, "get investigation I-1", err, store.ErrNotFound)
	_, err = s.GetProposal(ctx, "P-1")
	wantErr(t, "get proposal P-1", err, store.ErrNotFound)
	_, err = s.GetOpportunity(ctx, "O-1")
	wantErr(t, "get opportunity O-1", err, store.ErrNotFound)

	missingR := regression("x")
	missingR.ID = "R-999"
	wantErr(t, "update missing regression", s.UpdateRegression(ctx, missingR), store.ErrNotFound)
	missingI := investigation("R-1")
	missingI.ID = "I-999"
	wantErr(t, "update missing investigation", s.UpdateInvestigation(ctx, missingI), store.ErrNotFound)
	missingP := proposal("R-1")
	missingP.ID, missingP.Version = "P-999", 1
	wantErr(t, "update missing proposal", s.UpdateProposal(ctx, missingP), store.ErrNotFound)
	missingO := opportunity("x", "y")
	missingO.ID = "O-999"
	wantErr(t, "update missing opportunity", s.UpdateOpportunity(ctx, missingO), store.ErrNotFound)
	noID := regression("x")
	wantErr(t, "update regression without id", s.UpdateRegression(ctx, noID), store.ErrNotFound)
}

func testUpdate(t *testing.T, s store.Store) {
	ctx := t.Context()
	r := regression("checkout")
	_, err := s.CreateRegressionIfNew(ctx, r)
	must(t, "create regression", err)
	r.Status = store.RegressionResolved
	r.ResolvedAt = time.Date(2025, 3, 6, 9, 0, 0, 0, time.UTC)
	r.WentAway = true
	must(t, "update regression", s.UpdateRegression(ctx, r))
	gotR, err := s.GetRegression(ctx, r.ID)
	must(t, "get regression", err)
	sameJSON(t, "updated regression", gotR, r)

	inv := investigation(r.ID)
	must(t, "create investigation", s.CreateInvestigation(ctx, inv))
	inv.Status = store.InvestigationDone
	inv.FinishedAt = inv.StartedAt.Add(time.Minute)
	inv.Steps = append(inv.Steps, store.Step{Skill: "rank_suspects", Error: "no profiles"})
	must(t, "update investigation", s.UpdateInvestigation(ctx, inv))
	gotI, err := s.GetInvestigation(ctx, inv.ID)
	must(t, "get investigation", err)
	sameJSON(t, "updated investigation", gotI, inv)

	o := opportunity("search", "route.Match")
	_, err = s.CreateOpportunityIfNew(ctx, o)
	must(t, "create opportunity", err)
	o.Status, o.ProposalID = store.OpportunityProposed, "P-3"
	must(t, "update opportunity", s.UpdateOpportunity(ctx, o))
	gotO, err := s.GetOpportunity(ctx, o.ID)
	must(t, "get opportunity", err)
	sameJSON(t, "updated opportunity", gotO, o)
}

func testList(t *testing.T, s store.Store) {
	ctx := t.Context()
	statuses := []store.RegressionStatus{store.RegressionOpen, store.RegressionDismissed,
		store.RegressionOpen, store.RegressionResolved, store.RegressionOpen}
	var ids, fps []string
	for i, st := range statuses {
		r := regression(fmt.Sprintf("svc%d", i))
		r.Status = st
		_, err := s.CreateRegressionIfNew(ctx, r)
		must(t, "create regression", err)
		ids, fps = append(ids, r.ID), append(fps, r.Fingerprint)
	}
	cases := []struct {
		opts store.ListOptions
		want []string
	}{
		{store.ListOptions{}, ids},
		{store.ListOptions{Limit: 2}, ids[3:]},
		{store.ListOptions{Limit: 10}, ids},
		{store.ListOptions{Status: string(store.RegressionOpen)}, []string{ids[0], ids[2], ids[4]}},
		{store.ListOptions{Status: string(store.RegressionOpen), Limit: 2}, []string{ids[2], ids[4]}},
		{store.ListOptions{Status: "no-such-status"}, nil},
		{store.ListOptions{Fingerprints: []string{fps[3], "no-such-fingerprint", fps[1], fps[3]}}, []string{ids[1], ids[3]}},
		{store.ListOptions{Fingerprints: []string{fps[4], fps[0], fps[1]}, Status: string(store.RegressionOpen)}, []string{ids[0], ids[4]}},
		{store.ListOptions{Fingerprints: []string{fps[0], fps[2], fps[4]}, Limit: 1}, []string{ids[4]}},
		{store.ListOptions{Fingerprints: []string{"no-such-fingerprint"}}, nil},
	}
	for _, c := range cases {
		got, err := s.ListRegressions(ctx, c.opts)
		must(t, "list regressions", err)
		var gotIDs []string
		for _, r := range got {
			gotIDs = append(gotIDs, r.ID)
		}
		sameJSON(t, fmt.Sprintf("list regressions %+v", c.opts), gotIDs, c.want)
	}
	for name, list := range map[string]func() (int, error){
		"investigations": func() (int, error) { l, err := s.ListInvestigations(ctx, store.ListOptions{}); return len(l), err },
		"proposals":      func() (int, error) { l, err := s.ListProposals(ctx, store.ListOptions{}); return len(l), err },
		"investigations by fingerprint": func() (int, error) {
			l, err := s.ListInvestigations(ctx, store.ListOptions{Fingerprints: fps})
			return len(l), err
		},
		"opportunities": func() (int, error) { l, err := s.ListOpportunities(ctx, store.ListOptions{}); return len(l), err },
	} {
		n, err := list()
		must(t, "list "+name, err)
		if n != 0 {
			t.Errorf("list %s in an empty store: %d records", name, n)
		}
	}
	p := proposal(ids[0])
	must(t, "create proposal", s.CreateProposal(ctx, p))
	ps, err := s.ListProposals(ctx, store.ListOptions{Status: string(store.ProposalProposed)})
	must(t, "list proposals", err)
	sameJSON(t, "listed proposals", ps, []store.Proposal{*p})
}

func testCreateIfNew(t *testing.T, s store.Store) {
	ctx := t.Context()
	first := regression("checkout")
	created, err := s.CreateRegressionIfNew(ctx, first)
	must(t, "create regression", err)
	if !created {
		t.Fatal("first create of a fingerprint: created = false")
	}
	again := regression("checkout")
	again.Pct = 99 // a re-detection with other numbers
	created, err = s.CreateRegressionIfNew(ctx, again)
	must(t, "create regression again", err)
	if created {
		t.Error("second create of a fingerprint: created = true")
	}
	sameJSON(t, "existing regression returned", again, first)

	other := regression("checkout")
	other.Fingerprint = "fp-" + other.SeriesKey + "@" + other.ChangeTime.Add(48*time.Hour).Format(time.RFC3339)
	created, err = s.CreateRegressionIfNew(ctx, other)
	must(t, "create other regression", err)
	if !created || other.ID == first.ID {
		t.Errorf("other fingerprint: created %v id %s, want a new record", created, other.ID)
	}

	empty := regression("checkout")
	empty.Fingerprint = ""
	if _, err := s.CreateRegressionIfNew(ctx, empty); err == nil {
		t.Error("create regression with empty fingerprint: no error")
	}

	o1, o2 := opportunity("search", "route.Match"), opportunity("search", "route.Match")
	if created, err := s.CreateOpportunityIfNew(ctx, o1); err != nil || !created {
		t.Fatalf("create opportunity: created %v err %v", created, err)
	}
	if created, err := s.CreateOpportunityIfNew(ctx, o2); err != nil || created || o2.ID != o1.ID {
		t.Errorf("create opportunity again: created %v id %s err %v, want existing %s", created, o2.ID, err, o1.ID)
	}
}

func testCreateIfNewConcurrent(t *testing.T, s store.Store) {
	ctx := t.Context()
	const n = 8
	var wg sync.WaitGroup
	results := make([]*store.Regression, n)
	createdBy := make([]bool, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			results[i] = regression("checkout")
			createdBy[i], errs[i] = s.CreateRegressionIfNew(ctx, results[i])
		})
	}
	wg.Wait()
	winners := 0
	for i := range n {
		must(t, "concurrent create", errs[i])
		if createdBy[i] {
			winners++
		}
		if results[i].ID != results[0].ID {
			t.Errorf("concurrent create %d got id %s, others %s", i, results[i].ID, results[0].ID)
		}
	}
	if winners != 1 {
		t.Errorf("%d concurrent creates of one fingerprint: %d reported created, want 1", n, winners)
	}
	all, err := s.ListRegressions(ctx, store.ListOptions{})
	must(t, "list regressions", err)
	if len(all) != 1 {
		t.Errorf("after concurrent creates: %d regressions stored, want 1", len(all))
	}
}
