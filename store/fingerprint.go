package store

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"strconv"
	"strings"
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
