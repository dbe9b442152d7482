// Package store is Wattson's domain-level persistence: the records of the
// capacity-efficiency loop (regressions, investigations, proposals,
// opportunities), an append-only audit log, a job queue with at-least-once
// delivery, leases for "run once across replicas", and idempotency keys for
// de-duplicating retried chat events.
//
// The package holds only the contract — record types, the Store interface,
// sentinel errors and id helpers. Two implementations live in subpackages:
//
//   - store/bolt, the embedded default, a single file for one process;
//   - store/redis, shared by several replicas through a Redis server.
//
// Both are checked by one conformance suite, store/storetest.
//
// # Why bbolt for the embedded store
//
// The embedded store is built on go.etcd.io/bbolt because it is pure Go (no
// cgo, so the wattson binary stays a static single file that cross-compiles
// anywhere), keeps everything in one file that is easy to back up and move,
// gives fully ACID, serialisable transactions, and its single-writer model
// matches the embedded store's deployment: one process serving one team.
// Records are JSON documents looked up by id or fingerprint, so we need a
// transactional key/value store, not SQL; SQLite through modernc.org/sqlite
// would also avoid cgo, but it is a much heavier dependency and binary for
// features we would not use. When several replicas must share state, use
// store/redis instead.
//
// # Conventions
//
// Every method takes a context first and may do I/O. Times are stored in UTC.
// Ids are "<kind letter>-<n>" (R-1, I-1, P-1, O-1), assigned by the store,
// monotonic per kind and never reused, also across restarts; a number may
// be skipped but is never handed out twice. Missing records yield an error
// matching ErrNotFound under errors.Is.
//
// Regressions, proposals and opportunities are versioned: every update
// names the version it was read at and fails with ErrConflict when someone
// else wrote the record since, so no write is lost to a stale copy. Their
// statuses move only as each status type's transition table (Next,
// CanBecome) allows, and every change goes through ChangeRegression,
// ChangeProposal or ChangeOpportunity, which read, apply the change, check
// the move and retry on conflict. Investigations are written only by the
// job that runs them, and are not versioned.
package store

import (
	"context"
	"encoding/json"
	"io"
	"time"
)

// Store is everything Wattson persists. It is the union of the small
// interfaces below, so a consumer that needs only part of it (the queue,
// say) can depend on just that part.
type Store interface {
	Regressions
	Investigations
	Proposals
	Opportunities
	AuditLog
	Queue
	Leases
	Idempotency
	Tallies
	io.Closer
}

// ListOptions narrows a List call. The zero value lists every record of the
// kind, oldest first.
type ListOptions struct {
	// Status, when set, keeps only records whose Status equals it.
	Status string
	// Limit, when positive, keeps only the newest Limit matching records
	// (still returned oldest first).
	Limit int
	// Fingerprints, when not empty, keeps only the records whose
	// Fingerprint is one of these, found through the fingerprint index
	// (the cost grows with len(Fingerprints), not with the records
	// stored). Only regressions and opportunities have fingerprints; a
	// list of another kind with Fingerprints set is empty.
	Fingerprints []string
}

// Regressions persists Regression records, de-duplicated by fingerprint,
// with optimistic versioning. Change one through ChangeRegression, which
// reads, applies the change, keeps to the status transition table and
// retries on ErrConflict.
type Regressions interface {
	// CreateRegressionIfNew stores r under a new id unless a regression with
	// the same Fingerprint already exists. It is atomic, also across
	// replicas: of several concurrent calls with one fingerprint exactly one
	// reports created. When created, r.ID is set and r.Version is 1; when
	// created is false, *r is overwritten with the existing record. An
	// empty Fingerprint is an error.
	CreateRegressionIfNew(ctx context.Context, r *Regression) (created bool, err error)
	// GetRegression returns the regression with the given id, or ErrNotFound.
	GetRegression(ctx context.Context, id string) (*Regression, error)
	// UpdateRegression replaces the stored regression r.ID with r if the
	// stored Version still equals r.Version, and then increments r.Version
	// and sets r.UpdatedAt. A stored version that moved on (someone else
	// changed the regression since r was read) yields ErrConflict and
	// changes neither the store nor r; a missing regression yields
	// ErrNotFound. A regression stored before records had versions is at
	// version 0, which a copy read from it matches. The fingerprint index
	// is fixed at creation. UpdateRegression does not check the status
	// transition; ChangeRegression does.
	UpdateRegression(ctx context.Context, r *Regression) error
	// ListRegressions returns regressions in id order.
	ListRegressions(ctx context.Context, opts ListOptions) ([]Regression, error)
}

// Investigations persists Investigation records.
type Investigations interface {
	// CreateInvestigation stores inv under a new id and sets inv.ID.
	CreateInvestigation(ctx context.Context, inv *Investigation) error
	// GetInvestigation returns the investigation with the given id, or
	// ErrNotFound.
	GetInvestigation(ctx context.Context, id string) (*Investigation, error)
	// UpdateInvestigation replaces the stored investigation inv.ID with inv;
	// ErrNotFound if there is none.
	UpdateInvestigation(ctx context.Context, inv *Investigation) error
	// ListInvestigations returns investigations in id order.
	ListInvestigations(ctx context.Context, opts ListOptions) ([]Investigation, error)
}

// Proposals persists Proposal records with optimistic versioning. Change
// one through ChangeProposal, which reads, applies the change, keeps to the
// status transition table and retries on ErrConflict.
type Proposals interface {
	// CreateProposal stores p under a new id, sets p.ID, sets p.Version
	// to 1, and p.Revision to 1 and p.ProposedAt to now unless set.
	CreateProposal(ctx context.Context, p *Proposal) error
	// GetProposal returns the proposal with the given id, or ErrNotFound.
	GetProposal(ctx context.Context, id string) (*Proposal, error)
	// UpdateProposal replaces the stored proposal p.ID with p if the stored
	// Version still equals p.Version, and then increments p.Version. A
	// stored version that moved on (someone else changed the proposal since
	// p was read) yields ErrConflict and changes nothing; a missing proposal
	// yields ErrNotFound. Because every change bumps the version, an
	// approval bound to a version can never apply to content the approver
	// did not see. UpdateProposal does not check the status transition;
	// ChangeProposal does.
	UpdateProposal(ctx context.Context, p *Proposal) error
	// ListProposals returns proposals in id order.
	ListProposals(ctx context.Context, opts ListOptions) ([]Proposal, error)
}

// Opportunities persists Opportunity records, de-duplicated by
// fingerprint, with optimistic versioning. Change one through
// ChangeOpportunity, which reads, applies the change, keeps to the status
// transition table and retries on ErrConflict.
type Opportunities interface {
	// CreateOpportunityIfNew stores o under a new id unless an opportunity
	// with the same Fingerprint already exists; it behaves like
	// Regressions.CreateRegressionIfNew (a new opportunity is at version 1).
	CreateOpportunityIfNew(ctx context.Context, o *Opportunity) (created bool, err error)
	// GetOpportunity returns the opportunity with the given id, or
	// ErrNotFound.
	GetOpportunity(ctx context.Context, id string) (*Opportunity, error)
	// UpdateOpportunity replaces the stored opportunity o.ID with o if the
	// stored Version still equals o.Version, and then increments o.Version;
	// it behaves like Regressions.UpdateRegression (ErrConflict on a stale
	// copy, which changes nothing; version 0 for opportunities stored
	// before records had versions; no status check).
	UpdateOpportunity(ctx context.Context, o *Opportunity) error
	// ListOpportunities returns opportunities in id order.
	ListOpportunities(ctx context.Context, opts ListOptions) ([]Opportunity, error)
}

// AuditLog is the append-only record of who did what to which record.
type AuditLog interface {
	// AppendAudit stores ev and returns the sequence number the store gave
	// it. Sequence numbers increase with every append. A zero ev.At is set
	// to the store's clock.
	AppendAudit(ctx context.Context, ev AuditEvent) (seq int64, err error)
	// ListAudit returns the newest limit events about recordID (all events
	// when recordID is empty; no cap when limit <= 0), in sequence order.
	ListAudit(ctx context.Context, recordID string, limit int) ([]AuditEvent, error)
}

// Queue is a job queue with at-least-once delivery to named consumers.
type Queue interface {
	// Enqueue adds a job and returns its id.
	Enqueue(ctx context.Context, kind string, payload json.RawMessage) (id string, err error)
	// Dequeue hands the oldest undelivered job to consumer, waiting up to
	// block for one to arrive (not at all when block <= 0). It returns
	// ErrNoJob when none arrived in time. The job stays pending, held by
	// consumer, until it is acknowledged.
	Dequeue(ctx context.Context, consumer string, block time.Duration) (*Job, error)
	// Ack marks a delivered job done and removes it. ErrNotFound if the
	// job is not pending (never delivered, or already acknowledged).
	Ack(ctx context.Context, id string) error
	// Reclaim hands to consumer every pending job that its holder has kept
	// for at least minIdle without acknowledging it, as when that consumer
	// died, and every pending job whose Retry time has come, whatever
	// minIdle is. Each reclaimed job's Attempts counts the new delivery.
	Reclaim(ctx context.Context, consumer string, minIdle time.Duration) ([]Job, error)
	// Retry is what a consumer whose job failed asks for: the job stays
	// pending, and Reclaim hands it over once after has passed, not only
	// once its holder has been silent for minIdle. ErrNotFound if the job
	// is not pending.
	Retry(ctx context.Context, id string, after time.Duration) error
}

// Leases give one owner at a time the right to do something, such as run a
// scheduled tick, across processes.
type Leases interface {
	// AcquireLease takes the lease key for owner for ttl and reports
	// whether it did. It succeeds when the lease is free, expired, or
	// already held by owner (then it is renewed for ttl).
	AcquireLease(ctx context.Context, key, owner string, ttl time.Duration) (bool, error)
	// ReleaseLease frees the lease key if owner holds it. Releasing a lease
	// held by someone else, or by no one, changes nothing and is not an
	// error.
	ReleaseLease(ctx context.Context, key, owner string) error
}

// Tallies count distinct members per key across replicas, such as the
// shards of a detection tick that are done.
type Tallies interface {
	// Tally adds member to the set key, kept for ttl after its latest
	// member, and returns how many distinct members the set has. Adding a
	// member twice counts it once; of several concurrent calls that
	// complete a set of n, exactly one sees n.
	Tally(ctx context.Context, key, member string, ttl time.Duration) (n int, err error)
}

// Idempotency de-duplicates retried or doubly delivered inbound events.
type Idempotency interface {
	// Remember records key for ttl and reports whether this is the first
	// time it was seen within that ttl.
	Remember(ctx context.Context, key string, ttl time.Duration) (firstTime bool, err error)
}
