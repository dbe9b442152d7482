package store

import "context"

// FunctionSeries keeps, per service, one opaque value: the service's
// compact rolling per-function CPU series (detector/funcseries encodes
// it), rewritten at every capture. Values are versioned so that two
// replicas appending to one service never lose each other's point.
type FunctionSeries interface {
	// LoadSeries returns the service's value and its version; a service
	// with none stored yields nil data and version 0, no error.
	LoadSeries(ctx context.Context, service string) (data []byte, version int64, err error)
	// SaveSeries stores data as the service's value if the stored version
	// is still version (0: none stored) and returns the new version, one
	// more. A stale version fails with an error matching ErrConflict and
	// stores nothing.
	SaveSeries(ctx context.Context, service string, data []byte, version int64) (int64, error)
}

// FunctionSeriesStore is a store that can also keep function series (both
// implementations are): its FunctionSeries returns the series kept in the
// same database.
type FunctionSeriesStore interface {
	FunctionSeries() FunctionSeries
}
