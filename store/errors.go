package store

import "errors"

// Sentinel errors; implementations wrap them, so test with errors.Is.
var (
	// ErrNotFound means the record, job or key does not exist.
	ErrNotFound = errors.New("not found")
	// ErrNoJob means Dequeue waited and no job arrived.
	ErrNoJob = errors.New("no job available")
	// ErrConflict means an update was based on a stale version.
	ErrConflict = errors.New("version conflict")
	// ErrTransition means a change would move a record's status in a way
	// its transition table (the status type's Next) does not allow.
	ErrTransition = errors.New("status transition not allowed")
	// ErrNoChange, returned by the change function of ChangeRegression,
	// ChangeProposal or ChangeOpportunity, means there is nothing to
	// write; the Change call then returns the record as read and no error.
	ErrNoChange = errors.New("no change")
	// ErrCorrupt means the store's data file is damaged or not a store at
	// all; the file is left untouched.
	ErrCorrupt = errors.New("store file is corrupt")
)
