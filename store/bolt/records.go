package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	bbolt "go.etcd.io/bbolt"

	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/internal/codec"
)

// kind is a record kind, named by its id prefix; its methods say where
// its records live.
type kind store.Kind

// The record kinds.
const (
	kindRegression    = kind(store.KindRegression)
	kindInvestigation = kind(store.KindInvestigation)
	kindProposal      = kind(store.KindProposal)
	kindOpportunity   = kind(store.KindOpportunity)
)

func kinds() []kind {
	return []kind{kindRegression, kindInvestigation, kindProposal, kindOpportunity}
}

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

// bucket maps id numbers to JSON records.
func (k kind) bucket() string { return "records." + string(k) }

// fpBucket maps fingerprints to ids; empty for kinds without fingerprints.
func (k kind) fpBucket() string {
	if k == kindRegression || k == kindOpportunity {
		return "fingerprints." + string(k)
	}
	return ""
}

// create stores rec under the kind's next id, written to *id. With a
// fingerprint, an existing record with that fingerprint is loaded into rec
// instead and created is false.
func create[T codec.Record](ctx context.Context, s *Store, k kind, rec *T, id *string, fp string) (created bool, err error) {
	if k.fpBucket() != "" && fp == "" {
		return false, fmt.Errorf("create %s: empty fingerprint", k.name())
	}
	codec.UTC(rec)
	oldID := *id
	err = s.update(ctx, func(tx *bbolt.Tx) error {
		b := bucket(tx, k.bucket())
		if k.fpBucket() != "" {
			if existing := bucket(tx, k.fpBucket()).Get([]byte(fp)); existing != nil {
				return load(b, k, string(existing), rec)
			}
		}
		n, err := b.NextSequence()
		if err != nil {
			return err
		}
		*id = store.FormatID(store.Kind(k), n)
		data, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		if err := b.Put(u64(n), data); err != nil {
			return err
		}
		created = true
		if k.fpBucket() != "" {
			return bucket(tx, k.fpBucket()).Put([]byte(fp), []byte(*id))
		}
		return nil
	})
	if err != nil {
		*id = oldID
		return false, fmt.Errorf("create %s: %w", k.name(), err)
	}
	return created, nil
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

// load decodes the record id from b into rec, replacing its contents.
func load[T codec.Record](b *bbolt.Bucket, k kind, id string, rec *T) error {
	n, err := number(k, id)
	if err != nil {
		return err
	}
	data := b.Get(u64(n))
	if data == nil {
		return fmt.Errorf("%s %s: %w", k.name(), id, store.ErrNotFound)
	}
	var zero T
	*rec = zero
	if err := json.Unmarshal(data, rec); err != nil {
		return fmt.Errorf("decode %s %s: %w", k.name(), id, err)
	}
	return nil
}

// number parses id as an id of kind k.
func number(k kind, id string) (uint64, error) {
	p, n, err := store.ParseID(id)
	if err != nil {
		return 0, err
	}
	if p != store.Kind(k) {
		return 0, fmt.Errorf("%s %s: %w", k.name(), id, store.ErrNotFound)
	}
	return n, nil
}

// get returns the record id.
func get[T codec.Record](ctx context.Context, s *Store, k kind, id string) (*T, error) {
	rec := new(T)
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		return load(bucket(tx, k.bucket()), k, id, rec)
	})
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", k.name(), err)
	}
	return rec, nil
}

// put replaces the stored record id with rec. check, if not nil, sees the
// stored record first and may refuse the update.
func put[T codec.Record](ctx context.Context, s *Store, k kind, id string, rec *T, check func(stored *T) error) error {
	codec.UTC(rec)
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		b := bucket(tx, k.bucket())
		stored := new(T)
		if err := load(b, k, id, stored); err != nil {
			return err
		}
		if check != nil {
			if err := check(stored); err != nil {
				return err
			}
		}
		n, _ := number(k, id)
		data, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		return b.Put(u64(n), data)
	})
	if err != nil {
		return fmt.Errorf("update %s: %w", k.name(), err)
	}
	return nil
}

// putVersion replaces the stored record id with rec if the stored version
// equals rec's, which it then increments; set, if not nil, changes the
// record to write (and rec on success) further. A stale rec yields
// ErrConflict and is left as it was.
func putVersion[T codec.Versioned](ctx context.Context, s *Store, k kind, id string, rec *T, set func(next *T)) error {
	read := *codec.Version(rec)
	next := *rec
	*codec.Version(&next) = read + 1
	if set != nil {
		set(&next)
	}
	err := put(ctx, s, k, id, &next, func(stored *T) error {
		if v := *codec.Version(stored); v != read {
			return fmt.Errorf("%s %s is at version %d, not %d: %w", k.name(), id, v, read, store.ErrConflict)
		}
		return nil
	})
	if err != nil {
		return err
	}
	*rec = next
	return nil
}

// list returns the records of kind k that opts selects.
func list[T codec.Record](ctx context.Context, s *Store, k kind, opts store.ListOptions) ([]T, error) {
	if len(opts.Fingerprints) > 0 {
		return listByFingerprint[T](ctx, s, k, opts)
	}
	var out []T
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		c := bucket(tx, k.bucket()).Cursor()
		key, data := c.Last()
		var err error
		out, err = codec.Select(opts, func() (*T, bool, error) {
			if key == nil {
				return nil, false, nil
			}
			rec := new(T)
			if err := json.Unmarshal(data, rec); err != nil {
				return nil, false, fmt.Errorf("decode %s: %w", k.name(), err)
			}
			key, data = c.Prev()
			return rec, true, nil
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", k.name(), err)
	}
	return out, nil
}

// listByFingerprint is list for opts.Fingerprints: each fingerprint's
// owner, looked up in the kind's fingerprint bucket.
func listByFingerprint[T codec.Record](ctx context.Context, s *Store, k kind, opts store.ListOptions) ([]T, error) {
	if k.fpBucket() == "" {
		return nil, nil
	}
	var ids []uint64
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		fps := bucket(tx, k.fpBucket())
		for _, fp := range opts.Fingerprints {
			if id := fps.Get([]byte(fp)); id != nil {
				n, err := number(k, string(id))
				if err != nil {
					return err
				}
				ids = append(ids, n)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", k.name(), err)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var out []T
	err = s.view(ctx, func(tx *bbolt.Tx) error {
		b := bucket(tx, k.bucket())
		i := len(ids)
		var err error
		out, err = codec.Select(opts, func() (*T, bool, error) {
			if i == 0 {
				return nil, false, nil
			}
			i--
			rec := new(T)
			return rec, true, load(b, k, store.FormatID(store.Kind(k), ids[i]), rec)
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", k.name(), err)
	}
	return out, nil
}
