package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/internal/codec"
)

// Audit keys:
//
//	audit:seq            the last sequence number
//	audit:events         hash of sequence number → event JSON
//	audit:all            zset of every sequence number
//	audit:rec:<id>       zset of the sequence numbers about record id

// AppendAudit implements store.AuditLog.
func (s *Store) AppendAudit(ctx context.Context, ev store.AuditEvent) (int64, error) {
	if ev.At.IsZero() {
		ev.At = s.now()
	}
	codec.UTCEvent(&ev)
	ev.Seq = 0
	data, err := json.Marshal(ev)
	if err != nil {
		return 0, fmt.Errorf("append audit event: %w", err)
	}
	keys := []string{s.keys.key("audit", "seq"), s.keys.key("audit", "events"), s.keys.key("audit", "all")}
	if ev.RecordID != "" {
		keys = append(keys, s.keys.key("audit", "rec", ev.RecordID))
	}
	seq, err := s.scripts.appendAudit.Run(ctx, s.rdb, keys, data).Int64()
	if err != nil {
		return 0, fmt.Errorf("append audit event: %w", err)
	}
	return seq, nil
}

// ListAudit implements store.AuditLog.
func (s *Store) ListAudit(ctx context.Context, recordID string, limit int) ([]store.AuditEvent, error) {
	index := s.keys.key("audit", "all")
	if recordID != "" {
		index = s.keys.key("audit", "rec", recordID)
	}
	start := int64(0)
	if limit > 0 {
		start = -int64(limit)
	}
	seqs, err := s.rdb.ZRange(ctx, index, start, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("list audit events: %w", err)
	}
	if len(seqs) == 0 {
		return nil, nil
	}
	values, err := s.rdb.HMGet(ctx, s.keys.key("audit", "events"), seqs...).Result()
	if err != nil {
		return nil, fmt.Errorf("list audit events: %w", err)
	}
	out := make([]store.AuditEvent, 0, len(values))
	for i, v := range values {
		data, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("list audit events: event %s is missing", seqs[i])
		}
		var ev store.AuditEvent
		if err := json.Unmarshal([]byte(data), &ev); err != nil {
			return nil, fmt.Errorf("decode audit event %s: %w", seqs[i], err)
		}
		if ev.Seq, err = strconv.ParseInt(seqs[i], 10, 64); err != nil {
			return nil, fmt.Errorf("decode audit event %s: %w", seqs[i], err)
		}
		out = append(out, ev)
	}
	return out, nil
}
