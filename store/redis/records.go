package redis

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	goredis "github.com/redis/go-redis/v9"

	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/internal/codec"
)

// Record keys, for kind K:
//
//	rec:<id>         the record's JSON, such as rec:R-12
//	seq:<K>          the last id number handed out
//	ids:<K>          zset of ids scored by number, for listing
//	fp:<K>:<fp>      the id that owns a fingerprint

// kind is a record kind, named by its id prefix.
type kind store.Kind

// The record kinds.
const (
	kindRegression    = kind(store.KindRegression)
	kindInvestigation = kind(store.KindInvestigation)
	kindProposal      = kind(store.KindProposal)
	kindOpportunity   = kind(store.KindOpportunity)
)

// name is the kind's name in error messages.
func (k kind) name() string {
	switch k {
	case kindRegression:
		return "regression"
	case kindInvestigation:
		return "investigation"
	case kindProposal:
		return "proposal"
	default:
		return "opportunity"
	}
}

// hasFingerprint reports whether records of kind k are de-duplicated.
func (k kind) hasFingerprint() bool {
	return k == kindRegression || k == kindOpportunity
}

// rec is the key of record id.
func (k keyspace) rec(id string) string {
	return k.key("rec", id)
}

// create stores rec under the kind's next id, written to *id. With a
// fingerprint, an existing record with that fingerprint is loaded into rec
// instead and created is false.
func create[T codec.Record](ctx context.Context, s *Store, k kind, rec *T, id *string, fp string) (bool, error) {
	if k.hasFingerprint() && fp == "" {
		return false, fmt.Errorf("create %s: empty fingerprint", k.name())
	}
	codec.UTC(rec)
	oldID := *id
	*id = ""
	data, err := json.Marshal(rec)
	*id = oldID
	if err != nil {
		return false, fmt.Errorf("create %s: %w", k.name(), err)
	}
	if !bytes.HasPrefix(data, []byte(`{"id":""`)) {
		return false, fmt.Errorf("create %s: record JSON does not start with its id", k.name())
	}
	fpKey := ""
	if k.hasFingerprint() {
		fpKey = s.keys.key("fp", string(k), fp)
	}
	keys := []string{s.keys.key("seq", string(k)), s.keys.key("ids", string(k)), fpKey}
	res, err := s.scripts.create.Run(ctx, s.rdb, keys, s.keys.key("rec", ""), string(k), data).Slice()
	if err != nil {
		return false, fmt.Errorf("create %s: %w", k.name(), err)
	}
	if len(res) < 2 {
		return false, fmt.Errorf("create %s: unexpected script reply %v", k.name(), res)
	}
	newID, _ := res[1].(string)
	if res[0] == int64(1) {
		*id = newID
		return true, nil
	}
	var existing string
	if len(res) >= 3 {
		existing, _ = res[2].(string)
	}
	if existing == "" {
		return false, fmt.Errorf("create %s: fingerprint owner %s: %w", k.name(), newID, store.ErrNotFound)
	}
	if err := decode([]byte(existing), rec); err != nil {
		return false, fmt.Errorf("create %s: %w", k.name(), err)
	}
	return false, nil
}

// createVersioned is create for a versioned record, which starts at
// version 1; rec keeps its version if nothing was stored.
func createVersioned[T codec.Versioned](ctx context.Context, s *Store, k kind, rec *T, id *string, fp string) (bool, error) {
	version := codec.Version(rec)
	old := *version
	*version = 1
	created, err := create(ctx, s, k, rec, id, fp)
	if err != nil {
		*version = old
	}
	return created, err
}

// decode replaces the contents of rec with the JSON data.
func decode[T codec.Record](data []byte, rec *T) error {
	var zero T
	*rec = zero
	if err := json.Unmarshal(data, rec); err != nil {
		return fmt.Errorf("decode record: %w", err)
	}
	return nil
}

// checkID fails with ErrNotFound unless id is an id of kind k.
func checkID(k kind, id string) error {
	p, _, err := store.ParseID(id)
	if err != nil {
		return err
	}
	if p != store.Kind(k) {
		return fmt.Errorf("%s %s: %w", k.name(), id, store.ErrNotFound)
	}
	return nil
}

// get returns the record id.
func get[T codec.Record](ctx context.Context, s *Store, k kind, id string) (*T, error) {
	if err := checkID(k, id); err != nil {
		return nil, fmt.Errorf("get %s: %w", k.name(), err)
	}
	data, err := s.rdb.Get(ctx, s.keys.rec(id)).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, fmt.Errorf("get %s %s: %w", k.name(), id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get %s %s: %w", k.name(), id, err)
	}
	rec := new(T)
	if err := decode(data, rec); err != nil {
		return nil, fmt.Errorf("get %s %s: %w", k.name(), id, err)
	}
	return rec, nil
}

// put replaces the stored record id with rec.
func put[T codec.Record](ctx context.Context, s *Store, k kind, id string, rec *T) error {
	if err := checkID(k, id); err != nil {
		return fmt.Errorf("update %s: %w", k.name(), err)
	}
	codec.UTC(rec)
	data, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("update %s %s: %w", k.name(), id, err)
	}
	err = s.rdb.SetArgs(ctx, s.keys.rec(id), data, goredis.SetArgs{Mode: "XX"}).Err()
	if errors.Is(err, goredis.Nil) {
		return fmt.Errorf("update %s %s: %w", k.name(), id, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("update %s %s: %w", k.name(), id, err)
	}
	return nil
}

// putVersion replaces the stored record id with rec if the stored version
// equals rec's, which it then increments, comparing versions inside one Lua
// script; set, if not nil, changes the record to write (and rec on
// success) further. A stale rec yields ErrConflict and is left as it was.
func putVersion[T codec.Versioned](ctx context.Context, s *Store, k kind, id string, rec *T, set func(next *T)) error {
	if err := checkID(k, id); err != nil {
		return fmt.Errorf("update %s: %w", k.name(), err)
	}
	read := *codec.Version(rec)
	next := *rec
	*codec.Version(&next) = read + 1
	if set != nil {
		set(&next)
	}
	codec.UTC(&next)
	data, err := json.Marshal(&next)
	if err != nil {
		return fmt.Errorf("update %s %s: %w", k.name(), id, err)
	}
	res, err := s.scripts.updateVersion.Run(ctx, s.rdb, []string{s.keys.rec(id)}, data, read).Int64()
	switch {
	case err != nil:
		return fmt.Errorf("update %s %s: %w", k.name(), id, err)
	case res == -1:
		return fmt.Errorf("update %s %s: %w", k.name(), id, store.ErrNotFound)
	case res <= -2:
		return fmt.Errorf("update %s %s: it is at version %d, not %d: %w",
			k.name(), id, -2-res, read, store.ErrConflict)
	}
	*rec = next
	return nil
}

// list returns the records of kind k that opts selects.
func list[T codec.Record](ctx context.Context, s *Store, k kind, opts store.ListOptions) ([]T, error) {
	ids, err := listIDs(ctx, s, k, opts)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", k.name(), err)
	}
	var values []any
	const batch = 500
	for i := 0; i < len(ids); i += batch {
		keys := make([]string, 0, batch)
		for _, id := range ids[i:min(i+batch, len(ids))] {
			keys = append(keys, s.keys.rec(id))
		}
		vs, err := s.rdb.MGet(ctx, keys...).Result()
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", k.name(), err)
		}
		values = append(values, vs...)
	}
	i := len(values)
	out, err := codec.Select(opts, func() (*T, bool, error) {
		for i > 0 {
			i--
			v, ok := values[i].(string)
			if !ok {
				continue // listed but gone
			}
			rec := new(T)
			if err := decode([]byte(v), rec); err != nil {
				return nil, false, err
			}
			return rec, true, nil
		}
		return nil, false, nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", k.name(), err)
	}
	return out, nil
}

// listIDs returns the ids list walks, oldest first: with
// opts.Fingerprints those the fingerprint keys name, otherwise those of
// the kind's id index (only the newest opts.Limit without a status
// filter).
func listIDs(ctx context.Context, s *Store, k kind, opts store.ListOptions) ([]string, error) {
	if len(opts.Fingerprints) == 0 {
		start := int64(0)
		if opts.Status == "" && opts.Limit > 0 {
			start = -int64(opts.Limit)
		}
		return s.rdb.ZRange(ctx, s.keys.key("ids", string(k)), start, -1).Result()
	}
	if !k.hasFingerprint() {
		return nil, nil
	}
	keys := make([]string, len(opts.Fingerprints))
	for i, fp := range opts.Fingerprints {
		keys[i] = s.keys.key("fp", string(k), fp)
	}
	vs, err := s.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, err
	}
	byNumber := map[uint64]string{}
	for _, v := range vs {
		if id, ok := v.(string); ok {
			if _, n, err := store.ParseID(id); err == nil {
				byNumber[n] = id
			}
		}
	}
	ids := make([]string, 0, len(byNumber))
	for _, n := range slices.Sorted(maps.Keys(byNumber)) {
		ids = append(ids, byNumber[n])
	}
	return ids, nil
}
