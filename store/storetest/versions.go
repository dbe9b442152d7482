package storetest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/store"
)

func testRegressionVersioning(t *testing.T, s store.Store) {
	ctx := t.Context()
	r := regression("checkout")
	r.Version = 42 // ignored: a new regression starts at version 1
	_, err := s.CreateRegressionIfNew(ctx, r)
	must(t, "create regression", err)
	if r.Version != 1 {
		t.Fatalf("created regression version %d, want 1", r.Version)
	}
	stale := *r
	r.Cores = 3.5
	must(t, "update regression", s.UpdateRegression(ctx, r))
	if r.Version != 2 {
		t.Errorf("updated regression version %d, want 2", r.Version)
	}
	staleAt := stale.UpdatedAt
	stale.Status = store.RegressionDismissed
	wantErr(t, "update stale regression", s.UpdateRegression(ctx, &stale), store.ErrConflict)
	if stale.Version != 1 || !stale.UpdatedAt.Equal(staleAt) {
		t.Errorf("refused update changed the caller's copy: version %d, updated at %v", stale.Version, stale.UpdatedAt)
	}
	got, err := s.GetRegression(ctx, r.ID)
	must(t, "get regression", err)
	sameJSON(t, "regression after refused update", got, r)

	again := regression("checkout")
	created, err := s.CreateRegressionIfNew(ctx, again)
	must(t, "create regression again", err)
	if created || again.Version != 2 {
		t.Errorf("create of a known fingerprint: created %v version %d, want the stored version 2", created, again.Version)
	}

	got.Status = store.RegressionInvestigating
	must(t, "update fresh regression", s.UpdateRegression(ctx, got))
	if got.Version != 3 {
		t.Errorf("regression version %d after two updates, want 3", got.Version)
	}
	wantErr(t, "update the first copy again", s.UpdateRegression(ctx, r), store.ErrConflict)
}

func testOpportunityVersioning(t *testing.T, s store.Store) {
	ctx := t.Context()
	o := opportunity("search", "route.Match")
	o.Version = 42 // ignored: a new opportunity starts at version 1
	_, err := s.CreateOpportunityIfNew(ctx, o)
	must(t, "create opportunity", err)
	if o.Version != 1 {
		t.Fatalf("created opportunity version %d, want 1", o.Version)
	}
	stale := *o
	o.Thread = store.ThreadRef{Platform: "slack", Channel: "C1", MessageID: "1712345678.000300"}
	must(t, "update opportunity", s.UpdateOpportunity(ctx, o))
	if o.Version != 2 {
		t.Errorf("updated opportunity version %d, want 2", o.Version)
	}
	stale.Status, stale.ProposalID = store.OpportunityProposed, "P-9"
	wantErr(t, "update stale opportunity", s.UpdateOpportunity(ctx, &stale), store.ErrConflict)
	if stale.Version != 1 {
		t.Errorf("refused update changed the caller's version to %d", stale.Version)
	}
	got, err := s.GetOpportunity(ctx, o.ID)
	must(t, "get opportunity", err)
	sameJSON(t, "opportunity after refused update", got, o)

	got.Status, got.ProposalID = store.OpportunityProposed, "P-9"
	must(t, "update fresh opportunity", s.UpdateOpportunity(ctx, got))
	if got.Version != 3 {
		t.Errorf("opportunity version %d after two updates, want 3", got.Version)
	}
}

// Unversioned returns regression R-1 and opportunity O-1 encoded as a
// store written before those records had versions holds them: JSON with
// no "version" member. An implementation's test writes them into its
// storage as such a store did, and then calls CheckUnversioned.
func Unversioned(t *testing.T) (regression, opportunity []byte) {
	t.Helper()
	r := unversionedRegression()
	o := unversionedOpportunity()
	return withoutVersion(t, r), withoutVersion(t, o)
}

func unversionedRegression() *store.Regression {
	r := regression("checkout")
	r.ID = "R-1"
	r.ChangeTime, r.DetectedAt = r.ChangeTime.UTC(), r.DetectedAt.UTC()
	r.UpdatedAt = time.Date(2025, 3, 4, 13, 0, 0, 0, time.UTC)
	return r
}

func unversionedOpportunity() *store.Opportunity {
	o := opportunity("search", "route.Match")
	o.ID = "O-1"
	return o
}

// withoutVersion encodes rec and drops its "version" member.
func withoutVersion(t *testing.T, rec any) []byte {
	t.Helper()
	data, err := json.Marshal(rec)
	must(t, "encode record", err)
	var members map[string]json.RawMessage
	must(t, "decode record", json.Unmarshal(data, &members))
	delete(members, "version")
	data, err = json.Marshal(members)
	must(t, "encode record", err)
	return data
}

// CheckUnversioned checks that s, holding the records Unversioned returns,
// reads them at version 0, refuses an update from a copy that claims
// another version, accepts one from the copy it read (writing version 1),
// and changes them through the Change functions from then on.
func CheckUnversioned(t *testing.T, s store.Store) {
	t.Helper()
	ctx := t.Context()
	r, err := s.GetRegression(ctx, "R-1")
	must(t, "get unversioned regression", err)
	sameJSON(t, "unversioned regression", r, unversionedRegression())
	claims := *r
	claims.Version = 1
	wantErr(t, "update unversioned regression as version 1", s.UpdateRegression(ctx, &claims), store.ErrConflict)
	r.Cores = 2
	must(t, "update unversioned regression", s.UpdateRegression(ctx, r))
	if r.Version != 1 {
		t.Errorf("unversioned regression after update at version %d, want 1", r.Version)
	}
	r, err = store.ChangeRegression(ctx, s, "R-1", func(r *store.Regression) error {
		r.Status = store.RegressionInvestigating
		return nil
	})
	must(t, "change regression", err)
	if r.Version != 2 || r.Status != store.RegressionInvestigating || r.Cores != 2 {
		t.Errorf("changed regression: version %d status %s cores %v, want 2 investigating 2", r.Version, r.Status, r.Cores)
	}

	o, err := s.GetOpportunity(ctx, "O-1")
	must(t, "get unversioned opportunity", err)
	sameJSON(t, "unversioned opportunity", o, unversionedOpportunity())
	o, err = store.ChangeOpportunity(ctx, s, "O-1", func(o *store.Opportunity) error {
		o.Status, o.ProposalID = store.OpportunityProposed, "P-1"
		return nil
	})
	must(t, "change unversioned opportunity", err)
	if o.Version != 1 || o.Status != store.OpportunityProposed {
		t.Errorf("changed opportunity: version %d status %s, want 1 proposed", o.Version, o.Status)
	}
	stale := unversionedOpportunity()
	wantErr(t, "update the unversioned copy again", s.UpdateOpportunity(ctx, stale), store.ErrConflict)
}
