package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ChangeAttempts is how many times a Change call reads a record and tries
// to write it back before it gives up with ErrConflict.
const ChangeAttempts = 5

// ChangeRegression reads regression id, calls change on the copy it read,
// and writes the result back with UpdateRegression's version check. When
// the write fails with ErrConflict, because someone else wrote the
// regression in between, it reads it again and calls change on the fresh
// copy, ChangeAttempts times in all; the last conflict is returned wrapped
// if every attempt met one. So change may run more than once: it must
// decide from the copy it is given (not from a copy read earlier) and have
// no effect beyond it. On success it returns the regression as stored,
// with its new Version and UpdatedAt.
//
// Nothing is written when change returns ErrNoChange or leaves the
// regression as it read it; ChangeRegression then returns the regression as
// read, and no error. Any other error from change is returned as it is,
// and nothing is written. A change that moves Status where
// RegressionStatus.CanBecome does not allow yields an error wrapping
// ErrTransition that names both statuses, and writes nothing; a change
// that alters ID or Version is an error too. A missing regression yields
// ErrNotFound.
//
// Every change of a regression's status goes through ChangeRegression, so
// that no move outside the transition table is stored and no concurrent
// change is lost.
func ChangeRegression(ctx context.Context, st Regressions, id string, change func(r *Regression) error) (*Regression, error) {
	return modify(ctx, id, st.GetRegression, st.UpdateRegression,
		func(r *Regression) (string, int, RegressionStatus) { return r.ID, r.Version, r.Status }, change)
}

// ResolveWentAway marks regression id resolved because its change went
// away (at time at), through ChangeRegression, unless it was resolved or
// dismissed already, meanwhile included. It returns the regression as
// stored and whether this call resolved it: only then is anyone told.
func ResolveWentAway(ctx context.Context, st Regressions, id string, at time.Time) (*Regression, bool, error) {
	resolved := false
	r, err := ChangeRegression(ctx, st, id, func(r *Regression) error {
		if r.Status == RegressionResolved || r.Status == RegressionDismissed {
			return ErrNoChange
		}
		r.Status, r.WentAway, r.ResolvedAt = RegressionResolved, true, at.UTC()
		resolved = true
		return nil
	})
	return r, resolved, err
}

// ChangeProposal reads proposal id, calls change on it and writes it back
// with UpdateProposal's version check, retrying on ErrConflict and keeping
// to ProposalStatus.CanBecome, exactly as ChangeRegression does for
// regressions. Because a retry calls change on a newer version, a change
// that must apply only to the version a person saw (an approval) compares
// p.Version itself and returns an error when it differs.
func ChangeProposal(ctx context.Context, st Proposals, id string, change func(p *Proposal) error) (*Proposal, error) {
	return modify(ctx, id, st.GetProposal, st.UpdateProposal,
		func(p *Proposal) (string, int, ProposalStatus) { return p.ID, p.Version, p.Status }, change)
}

// ChangeOpportunity reads opportunity id, calls change on it and writes it
// back with UpdateOpportunity's version check, retrying on ErrConflict and
// keeping to OpportunityStatus.CanBecome, exactly as ChangeRegression does
// for regressions.
func ChangeOpportunity(ctx context.Context, st Opportunities, id string, change func(o *Opportunity) error) (*Opportunity, error) {
	return modify(ctx, id, st.GetOpportunity, st.UpdateOpportunity,
		func(o *Opportunity) (string, int, OpportunityStatus) { return o.ID, o.Version, o.Status }, change)
}

// status is a record status with a transition table.
type status[S any] interface {
	~string
	CanBecome(next S) bool
}

// modify is the read-modify-write loop of the Change functions. fields
// returns a record's id, version and status.
func modify[T any, S status[S]](ctx context.Context, id string,
	get func(context.Context, string) (*T, error),
	update func(context.Context, *T) error,
	fields func(*T) (string, int, S),
	change func(*T) error,
) (*T, error) {
	var conflict error
	for range ChangeAttempts {
		rec, err := get(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("change %s: %w", id, err)
		}
		read, err := json.Marshal(rec)
		if err != nil {
			return nil, fmt.Errorf("change %s: encode: %w", id, err)
		}
		readID, readVersion, from := fields(rec)
		if err := change(rec); errors.Is(err, ErrNoChange) {
			return decodeAs[T](id, read)
		} else if err != nil {
			return nil, err
		}
		gotID, gotVersion, to := fields(rec)
		switch {
		case gotID != readID || gotVersion != readVersion:
			return nil, fmt.Errorf("change %s: the change altered its id or version", id)
		case !from.CanBecome(to):
			return nil, fmt.Errorf("change %s: %s → %s: %w", id, from, to, ErrTransition)
		}
		changed, err := json.Marshal(rec)
		if err != nil {
			return nil, fmt.Errorf("change %s: encode: %w", id, err)
		}
		if bytes.Equal(read, changed) {
			return rec, nil
		}
		err = update(ctx, rec)
		if err == nil {
			return rec, nil
		}
		if !errors.Is(err, ErrConflict) {
			return nil, fmt.Errorf("change %s: %w", id, err)
		}
		conflict = err
	}
	return nil, fmt.Errorf("change %s: gave up after %d attempts: %w", id, ChangeAttempts, conflict)
}

// decodeAs returns the record id encoded as data.
func decodeAs[T any](id string, data []byte) (*T, error) {
	rec := new(T)
	if err := json.Unmarshal(data, rec); err != nil {
		return nil, fmt.Errorf("change %s: decode: %w", id, err)
	}
	return rec, nil
}
