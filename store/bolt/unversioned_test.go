package bolt

import (
	"path/filepath"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"github.com/wattson-dev/wattson/store/storetest"
)

// TestUnversionedRecords writes a regression and an opportunity as a store
// from before they had versions did, and reads and updates them.
func TestUnversionedRecords(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "wattson.db"), Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	reg, opp := storetest.Unversioned(t)
	err = s.db.Update(func(tx *bbolt.Tx) error {
		if err := bucket(tx, kindRegression.bucket()).Put(u64(1), reg); err != nil {
			return err
		}
		return bucket(tx, kindOpportunity.bucket()).Put(u64(1), opp)
	})
	if err != nil {
		t.Fatalf("write unversioned records: %v", err)
	}
	storetest.CheckUnversioned(t, s)
}
