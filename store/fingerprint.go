package store

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SeriesKey returns the canonical name of a series: the metric followed by
// its labels sorted by name, as in `cpu_seconds{service="checkout",zone="a"}`.
// Equal metric and labels always give the same key.
func SeriesKey(metric string, labels map[string]string) string {
	var b strings.Builder
	b.WriteString(metric)
	b.WriteByte('{')
	for i, name := range slices.Sorted(maps.Keys(labels)) {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(name)
		b.WriteByte('=')
		b.WriteString(strconv.Quote(labels[name]))
	}
	b.WriteByte('}')
	return b.String()
}

// RegressionFingerprint returns the de-duplication key of a regression on
// seriesKey whose change point falls at change: the change time is rounded
// down to a multiple of window, so detector runs that place the same change
// a little differently within one window agree. A window <= 0 uses the exact
// time.
func RegressionFingerprint(seriesKey string, change time.Time, window time.Duration) string {
	if window > 0 {
		change = change.Truncate(window)
	}
	return fingerprint("regression", seriesKey, change.UTC().Format(time.RFC3339Nano))
}

// OpportunityFingerprint returns the de-duplication key of an opportunity:
// one pattern in one function of one service.
func OpportunityFingerprint(service, function, pattern string) string {
	return fingerprint("opportunity", service, function, pattern)
}

// fingerprint hashes parts, length-prefixed so no two part lists collide.
func fingerprint(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(strconv.Itoa(len(p)) + ":" + p))
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}
