// Package codec holds what both store implementations do to records the
// same way: putting their times in UTC before they are written, finding
// their version, and applying ListOptions to a run of records.
package codec

import (
	"time"

	"github.com/wattson-dev/wattson/store"
)

// Record is the set of record types the store persists.
type Record interface {
	store.Regression | store.Investigation | store.Proposal | store.Opportunity
}

// UTC converts every time in rec to UTC and drops monotonic clock
// readings, in place, so a record equals itself read back.
func UTC[T Record](rec *T) {
	switch r := any(rec).(type) {
	case *store.Regression:
		utc(&r.ChangeTime, &r.DetectedAt, &r.ResolvedAt, &r.UpdatedAt)
	case *store.Investigation:
		utc(&r.StartedAt, &r.FinishedAt)
	case *store.Proposal:
		utc(&r.DecidedAt)
	case *store.Opportunity:
		utc(&r.FoundAt)
	}
}

// UTCEvent converts the time of ev to UTC, in place.
func UTCEvent(ev *store.AuditEvent) {
	utc(&ev.At)
}

func utc(ts ...*time.Time) {
	for _, t := range ts {
		if !t.IsZero() {
			*t = t.Round(0).UTC()
		}
	}
}

// Versioned is the set of record types with optimistic versioning.
type Versioned interface {
	store.Regression | store.Proposal | store.Opportunity
}

// Version returns the address of rec's Version field.
func Version[T Versioned](rec *T) *int {
	switch r := any(rec).(type) {
	case *store.Regression:
		return &r.Version
	case *store.Proposal:
		return &r.Version
	case *store.Opportunity:
		return &r.Version
	}
	panic("codec: not a versioned record")
}

// Status returns the status of rec as a string.
func Status[T Record](rec *T) string {
	switch r := any(rec).(type) {
	case *store.Regression:
		return string(r.Status)
	case *store.Investigation:
		return string(r.Status)
	case *store.Proposal:
		return string(r.Status)
	case *store.Opportunity:
		return string(r.Status)
	}
	return ""
}

// Matches reports whether rec passes the status filter of opts.
func Matches[T Record](rec *T, opts store.ListOptions) bool {
	return opts.Status == "" || Status(rec) == opts.Status
}

// Select walks records newest first through next, which returns false when
// there are no more, keeps those that match opts up to opts.Limit, and
// returns them oldest first.
func Select[T Record](opts store.ListOptions, next func() (*T, bool, error)) ([]T, error) {
	var out []T
	for opts.Limit <= 0 || len(out) < opts.Limit {
		rec, ok, err := next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		if Matches(rec, opts) {
			out = append(out, *rec)
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}
