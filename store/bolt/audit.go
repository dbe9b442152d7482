package bolt

import (
	"context"
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/internal/codec"
)

// AppendAudit implements store.AuditLog. Events live in one bucket keyed by
// sequence number; a nested bucket per record id indexes them.
func (s *Store) AppendAudit(ctx context.Context, ev store.AuditEvent) (int64, error) {
	if ev.At.IsZero() {
		ev.At = s.now()
	}
	codec.UTCEvent(&ev)
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		b := bucket(tx, bucketAudit)
		n, err := b.NextSequence()
		if err != nil {
			return err
		}
		ev.Seq = int64(n)
		data, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		if err := b.Put(u64(n), data); err != nil {
			return err
		}
		if ev.RecordID == "" {
			return nil
		}
		idx, err := bucket(tx, bucketAuditByRec).CreateBucketIfNotExists([]byte(ev.RecordID))
		if err != nil {
			return err
		}
		return idx.Put(u64(n), nil)
	})
	if err != nil {
		return 0, fmt.Errorf("append audit event: %w", err)
	}
	return ev.Seq, nil
}

// ListAudit implements store.AuditLog.
func (s *Store) ListAudit(ctx context.Context, recordID string, limit int) ([]store.AuditEvent, error) {
	var out []store.AuditEvent
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		events := bucket(tx, bucketAudit)
		keys := events
		if recordID != "" {
			if keys = bucket(tx, bucketAuditByRec).Bucket([]byte(recordID)); keys == nil {
				return nil
			}
		}
		c := keys.Cursor()
		for k, _ := c.Last(); k != nil && (limit <= 0 || len(out) < limit); k, _ = c.Prev() {
			var ev store.AuditEvent
			if err := json.Unmarshal(events.Get(k), &ev); err != nil {
				return fmt.Errorf("decode audit event: %w", err)
			}
			out = append(out, ev)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list audit events: %w", err)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}
