package bolt

import (
	"context"
	"encoding/binary"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/wattson-dev/wattson/store"
)

// bucketFuncSeries holds service → 8-byte big-endian version + value.
const bucketFuncSeries = "funcseries"

// FunctionSeries returns the per-service function series kept in this
// store's file.
func (s *Store) FunctionSeries() store.FunctionSeries { return funcSeries{s} }

var _ store.FunctionSeriesStore = (*Store)(nil)

// funcSeries implements store.FunctionSeries in the funcseries bucket.
type funcSeries struct{ s *Store }

// LoadSeries implements store.FunctionSeries.
func (f funcSeries) LoadSeries(ctx context.Context, service string) ([]byte, int64, error) {
	var data []byte
	var version int64
	err := f.s.view(ctx, func(tx *bbolt.Tx) error {
		v := bucket(tx, bucketFuncSeries).Get([]byte(service))
		if v == nil {
			return nil
		}
		if len(v) < 8 {
			return fmt.Errorf("stored value is %d bytes, want at least 8", len(v))
		}
		version = int64(binary.BigEndian.Uint64(v))
		data = append([]byte(nil), v[8:]...)
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("load function series of %s: %w", service, err)
	}
	return data, version, nil
}

// SaveSeries implements store.FunctionSeries.
func (f funcSeries) SaveSeries(ctx context.Context, service string, data []byte, version int64) (int64, error) {
	err := f.s.update(ctx, func(tx *bbolt.Tx) error {
		b := bucket(tx, bucketFuncSeries)
		var cur int64
		if v := b.Get([]byte(service)); len(v) >= 8 {
			cur = int64(binary.BigEndian.Uint64(v))
		}
		if cur != version {
			return fmt.Errorf("stored version %d, not %d: %w", cur, version, store.ErrConflict)
		}
		v := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(data)), uint64(version+1))
		return b.Put([]byte(service), append(v, data...))
	})
	if err != nil {
		return 0, fmt.Errorf("save function series of %s: %w", service, err)
	}
	return version + 1, nil
}
