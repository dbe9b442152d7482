package store_test

import (
	"errors"
	"testing"

	"github.com/wattson-dev/wattson/store"
)

var parseIDCases = []struct {
	id   string
	kind store.Kind
	n    uint64
	ok   bool
}{
	{"R-1", store.KindRegression, 1, true},
	{"I-42", store.KindInvestigation, 42, true},
	{"P-7", store.KindProposal, 7, true},
	{"O-18446744073709551615", store.KindOpportunity, 18446744073709551615, true},
	{"R-0", "", 0, false},
	{"R-01", "", 0, false},
	{"R-+1", "", 0, false},
	{"R--1", "", 0, false},
	{"R-", "", 0, false},
	{"R1", "", 0, false},
	{"r-1", "", 0, false},
	{"X-1", "", 0, false},
	{"R-1x", "", 0, false},
	{"R-18446744073709551616", "", 0, false},
	{"", "", 0, false},
}

func TestParseID(t *testing.T) {
	for _, c := range parseIDCases {
		k, n, err := store.ParseID(c.id)
		if c.ok {
			if err != nil || k != c.kind || n != c.n {
				t.Errorf("ParseID(%q) = %q, %d, %v; want %q, %d", c.id, k, n, err, c.kind, c.n)
			}
			if got := store.FormatID(k, n); got != c.id {
				t.Errorf("FormatID(ParseID(%q)) = %q", c.id, got)
			}
			continue
		}
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ParseID(%q): error %v, want ErrNotFound", c.id, err)
		}
	}
}

func FuzzParseID(f *testing.F) {
	for _, c := range parseIDCases {
		f.Add(c.id)
	}
	f.Fuzz(func(t *testing.T, id string) {
		k, n, err := store.ParseID(id)
		if err != nil {
			if !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("ParseID(%q): error %v does not wrap ErrNotFound", id, err)
			}
			return
		}
		if got := store.FormatID(k, n); got != id {
			t.Fatalf("ParseID(%q) accepted an id that formats back as %q", id, got)
		}
	})
}
