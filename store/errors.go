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
	// ErrCorrupt means the store's data file is damaged or not a store at
	// all; the file is left untouched.
	ErrCorrupt = errors.New("store file is corrupt")
)
