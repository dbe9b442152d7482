package redis

import (
	"testing"

	"github.com/wattson-dev/wattson/store/redis/redistest"
	"github.com/wattson-dev/wattson/store/storetest"
)

// TestUnversionedRecords writes a regression and an opportunity as a store
// from before they had versions did, and reads and updates them.
func TestUnversionedRecords(t *testing.T) {
	srv := redistest.Start(t)
	ctx := t.Context()
	s, err := Open(ctx, srv.URL(), Options{Prefix: "unversioned"})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	reg, opp := storetest.Unversioned(t)
	for id, data := range map[string][]byte{"R-1": reg, "O-1": opp} {
		if err := s.rdb.Set(ctx, s.keys.rec(id), data, 0).Err(); err != nil {
			t.Fatalf("write unversioned %s: %v", id, err)
		}
	}
	storetest.CheckUnversioned(t, s)
}
