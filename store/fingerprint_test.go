package store_test

import (
	"testing"

	"github.com/wattson-dev/wattson/store"
)

func TestSeriesKey(t *testing.T) {
	cases := []struct {
		metric string
		labels map[string]string
		want   string
	}{
		{"up", nil, "up{}"},
		{"cpu", map[string]string{"zone": "a", "service": "checkout"}, `cpu{service="checkout",zone="a"}`},
		{"cpu", map[string]string{"path": `a"b`}, `cpu{path="a\"b"}`},
	}
	for _, c := range cases {
		if got := store.SeriesKey(c.metric, c.labels); got != c.want {
			t.Errorf("SeriesKey(%q, %v) = %s, want %s", c.metric, c.labels, got, c.want)
		}
	}
}

func TestOpportunityFingerprint(t *testing.T) {
	a := store.OpportunityFingerprint("search", "route.Match", "regexp")
	if store.OpportunityFingerprint("search", "route.Match", "regexp") != a {
		t.Error("equal inputs give different fingerprints")
	}
	// Length-prefixing keeps shifted boundaries apart.
	if store.OpportunityFingerprint("search", "route.Matchregexp", "") == a ||
		store.OpportunityFingerprint("searchroute.Match", "", "regexp") == a {
		t.Error("parts with shifted boundaries collide")
	}
}
