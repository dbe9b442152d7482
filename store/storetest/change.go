package storetest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/store"
)

// walk is a run of status moves of one record: every move in legal is
// made through a Change function, then illegal is refused.
type walk struct {
	name    string
	legal   []string
	illegal string
	// create stores a new record and returns its id; change moves it to
	// status through a Change function; get reads it.
	create func() string
	change func(id, status string) error
	get    func(id string) any
}

func testChangeTransitions(t *testing.T, s store.Store) {
	ctx := t.Context()
	walks := []walk{{
		name: "regression",
		// An investigation that fails, one that proposes, a revert
		// approved and closed, approved again and recovered.
		legal:   []string{"investigating", "open", "investigating", "proposed", "mitigating", "open", "mitigating", "resolved"},
		illegal: "open",
		create: func() string {
			r := regression("checkout")
			_, err := s.CreateRegressionIfNew(ctx, r)
			must(t, "create regression", err)
			return r.ID
		},
		change: func(id, status string) error {
			_, err := store.ChangeRegression(ctx, s, id, func(r *store.Regression) error {
				r.Status = store.RegressionStatus(status)
				return nil
			})
			return err
		},
		get: func(id string) any { r, err := s.GetRegression(ctx, id); must(t, "get", err); return r },
	}, {
		name:    "proposal",
		legal:   []string{"approved", "merged", "rolled_back"},
		illegal: "approved",
		create: func() string {
			p := proposal("R-1")
			must(t, "create proposal", s.CreateProposal(ctx, p))
			return p.ID
		},
		change: func(id, status string) error {
			_, err := store.ChangeProposal(ctx, s, id, func(p *store.Proposal) error {
				p.Status = store.ProposalStatus(status)
				return nil
			})
			return err
		},
		get: func(id string) any { p, err := s.GetProposal(ctx, id); must(t, "get", err); return p },
	}, {
		name: "opportunity",
		// A fix that took, a pattern that came back, a second fix
		// dismissed.
		legal:   []string{"proposed", "fixed", "open", "proposed", "dismissed"},
		illegal: "open",
		create: func() string {
			o := opportunity("search", "route.Match")
			_, err := s.CreateOpportunityIfNew(ctx, o)
			must(t, "create opportunity", err)
			return o.ID
		},
		change: func(id, status string) error {
			_, err := store.ChangeOpportunity(ctx, s, id, func(o *store.Opportunity) error {
				o.Status = store.OpportunityStatus(status)
				return nil
			})
			return err
		},
		get: func(id string) any { o, err := s.GetOpportunity(ctx, id); must(t, "get", err); return o },
	}}
	for _, w := range walks {
		id := w.create()
		for _, status := range w.legal {
			must(t, fmt.Sprintf("%s %s: move to %s", w.name, id, status), w.change(id, status))
		}
		before := w.get(id)
		err := w.change(id, w.illegal)
		wantErr(t, fmt.Sprintf("%s %s: move from %s to %s", w.name, id, w.legal[len(w.legal)-1], w.illegal), err, store.ErrTransition)
		if err != nil && !strings.Contains(err.Error(), w.legal[len(w.legal)-1]+" → "+w.illegal) {
			t.Errorf("%s %s: refusal %q does not name the move", w.name, id, err)
		}
		sameJSON(t, w.name+" after a refused move", w.get(id), before)
	}

	r := regression("search")
	_, err := s.CreateRegressionIfNew(ctx, r)
	must(t, "create regression", err)
	_, err = store.ChangeRegression(ctx, s, r.ID, func(r *store.Regression) error {
		r.Status = "bogus"
		return nil
	})
	wantErr(t, "move to an unknown status", err, store.ErrTransition)
	got, err := s.GetRegression(ctx, r.ID)
	must(t, "get regression", err)
	sameJSON(t, "regression after a refused move", got, r)
}

func testChangeWritesNothing(t *testing.T, s store.Store) {
	ctx := t.Context()
	r := regression("checkout")
	_, err := s.CreateRegressionIfNew(ctx, r)
	must(t, "create regression", err)
	unchanged := func(what string) {
		t.Helper()
		got, err := s.GetRegression(ctx, r.ID)
		must(t, "get regression", err)
		sameJSON(t, "regression after "+what, got, r)
	}

	got, err := store.ChangeRegression(ctx, s, r.ID, func(r *store.Regression) error {
		r.Cores = 99
		return store.ErrNoChange
	})
	must(t, "change returning ErrNoChange", err)
	sameJSON(t, "record returned after ErrNoChange", got, r)
	unchanged("ErrNoChange")

	got, err = store.ChangeRegression(ctx, s, r.ID, func(r *store.Regression) error {
		r.Status = store.RegressionOpen // as it was
		return nil
	})
	must(t, "change leaving the record as it was", err)
	sameJSON(t, "record returned after no change", got, r)
	unchanged("a change that changed nothing")

	refused := errors.New("not now")
	_, err = store.ChangeRegression(ctx, s, r.ID, func(r *store.Regression) error {
		r.Status = store.RegressionDismissed
		return refused
	})
	if err != refused { // returned as it is, not wrapped
		t.Errorf("change returning an error: got %v, want the change's error itself", err)
	}
	unchanged("a change that failed")

	_, err = store.ChangeRegression(ctx, s, r.ID, func(r *store.Regression) error {
		r.Version = 7
		return nil
	})
	if err == nil {
		t.Error("change that altered the version: no error")
	}
	unchanged("a change that altered the version")

	called := false
	_, err = store.ChangeRegression(ctx, s, "R-999", func(*store.Regression) error { called = true; return nil })
	wantErr(t, "change a missing regression", err, store.ErrNotFound)
	_, err = store.ChangeOpportunity(ctx, s, "O-999", func(*store.Opportunity) error { called = true; return nil })
	wantErr(t, "change a missing opportunity", err, store.ErrNotFound)
	_, err = store.ChangeProposal(ctx, s, "P-999", func(*store.Proposal) error { called = true; return nil })
	wantErr(t, "change a missing proposal", err, store.ErrNotFound)
	if called {
		t.Error("change called for a missing record")
	}
}

// testChangeConcurrent has store.ChangeAttempts writers change one record
// of each versioned kind at once, each a different way: every change must
// be kept. With at most that many writers each succeeds within its
// attempts, since every conflict it meets is another writer's one success.
func testChangeConcurrent(t *testing.T, s store.Store) {
	ctx := t.Context()
	const n = store.ChangeAttempts
	r := regression("checkout")
	_, err := s.CreateRegressionIfNew(ctx, r)
	must(t, "create regression", err)
	p := proposal(r.ID)
	must(t, "create proposal", s.CreateProposal(ctx, p))
	o := opportunity("search", "route.Match")
	_, err = s.CreateOpportunityIfNew(ctx, o)
	must(t, "create opportunity", err)

	var wg sync.WaitGroup
	errs := make([]error, 3*n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = store.ChangeRegression(ctx, s, r.ID, func(r *store.Regression) error {
				r.Labels[fmt.Sprintf("writer%d", i)] = "yes"
				r.Cores++
				if i == 0 {
					r.Status = store.RegressionInvestigating
				}
				return nil
			})
		})
		wg.Go(func() {
			_, errs[n+i] = store.ChangeProposal(ctx, s, p.ID, func(p *store.Proposal) error {
				p.Body += fmt.Sprintf("\nline %d", i)
				return nil
			})
		})
		wg.Go(func() {
			_, errs[2*n+i] = store.ChangeOpportunity(ctx, s, o.ID, func(o *store.Opportunity) error {
				o.Watts++
				if i == 0 {
					o.Status, o.ProposalID = store.OpportunityProposed, p.ID
				}
				return nil
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		must(t, fmt.Sprintf("concurrent change %d", i), err)
	}

	gotR, err := s.GetRegression(ctx, r.ID)
	must(t, "get regression", err)
	for i := range n {
		if gotR.Labels[fmt.Sprintf("writer%d", i)] != "yes" {
			t.Errorf("regression lost writer %d's label: %v", i, gotR.Labels)
		}
	}
	if gotR.Cores != float64(n) || gotR.Status != store.RegressionInvestigating || gotR.Version != 1+n {
		t.Errorf("regression after %d changes: cores %v status %s version %d, want %d investigating %d",
			n, gotR.Cores, gotR.Status, gotR.Version, n, 1+n)
	}
	gotP, err := s.GetProposal(ctx, p.ID)
	must(t, "get proposal", err)
	for i := range n {
		if !strings.Contains(gotP.Body+"\n", fmt.Sprintf("\nline %d\n", i)) {
			t.Errorf("proposal lost writer %d's line: %q", i, gotP.Body)
		}
	}
	if gotP.Version != 1+n {
		t.Errorf("proposal after %d changes at version %d, want %d", n, gotP.Version, 1+n)
	}
	gotO, err := s.GetOpportunity(ctx, o.ID)
	must(t, "get opportunity", err)
	if gotO.Watts != o.Watts+n || gotO.Status != store.OpportunityProposed || gotO.Version != 1+n {
		t.Errorf("opportunity after %d changes: watts %v status %s version %d, want %v proposed %d",
			n, gotO.Watts, gotO.Status, gotO.Version, o.Watts+n, 1+n)
	}
}

// testChangeGivesUp writes the record behind the change's back on every
// attempt: the change is tried store.ChangeAttempts times, then refused
// with ErrConflict, and only the interfering writes are stored.
func testChangeGivesUp(t *testing.T, s store.Store) {
	ctx := t.Context()
	r := regression("checkout")
	_, err := s.CreateRegressionIfNew(ctx, r)
	must(t, "create regression", err)
	calls := 0
	_, err = store.ChangeRegression(ctx, s, r.ID, func(mine *store.Regression) error {
		calls++
		other, err := s.GetRegression(ctx, r.ID)
		if err != nil {
			return err
		}
		other.Cores++
		if err := s.UpdateRegression(ctx, other); err != nil {
			return err
		}
		mine.Status = store.RegressionDismissed
		return nil
	})
	wantErr(t, "change that always meets a conflict", err, store.ErrConflict)
	if calls != store.ChangeAttempts {
		t.Errorf("change called %d times, want %d", calls, store.ChangeAttempts)
	}
	got, err := s.GetRegression(ctx, r.ID)
	must(t, "get regression", err)
	if got.Status != store.RegressionOpen || got.Cores != float64(calls) || got.Version != 1+calls {
		t.Errorf("regression: status %s cores %v version %d, want open %d %d", got.Status, got.Cores, got.Version, calls, 1+calls)
	}
}

// testResolveWentAway: a change that went away resolves its regression
// once; a dismissed one stays dismissed.
func testResolveWentAway(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	r := regression("checkout")
	_, err := s.CreateRegressionIfNew(ctx, r)
	must(t, "create regression", err)
	got, resolved, err := store.ResolveWentAway(ctx, s, r.ID, at)
	must(t, "resolve", err)
	if !resolved || got.Status != store.RegressionResolved || !got.WentAway || !got.ResolvedAt.Equal(at) {
		t.Fatalf("resolved %v, %+v; want it resolved as gone at %s", resolved, got, at)
	}
	if _, again, err := store.ResolveWentAway(ctx, s, r.ID, at.Add(time.Hour)); err != nil || again {
		t.Errorf("resolving again: %v, %v; want nothing to do", again, err)
	}
	d := regression("search")
	d.Status = store.RegressionDismissed
	_, err = s.CreateRegressionIfNew(ctx, d)
	must(t, "create dismissed regression", err)
	if got, resolved, err := store.ResolveWentAway(ctx, s, d.ID, at); err != nil || resolved || got.Status != store.RegressionDismissed {
		t.Errorf("dismissed regression: %v, %+v, %v; want it left dismissed", resolved, got, err)
	}
}
