package detector

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// FingerprintWindow is the width of the time buckets a Fingerprint puts a
// change in. A re-scan usually places a change within a few points of where
// the last scan did; bucketing by an hour keeps the fingerprint stable.
const FingerprintWindow = time.Hour

// Fingerprint names a change deterministically from the series key (see
// Series.Key), the change's direction and the FingerprintWindow bucket of its
// time, so the next scan of an ongoing regression yields the same value and
// is not alerted again. Changes without times are bucketed by index in
// blocks of 12 points. The result is "fp-" and 16 hex digits.
func Fingerprint(seriesKey string, c Change) string {
	return fingerprint(seriesKey, c.Direction, bucket(c))
}

// NeighbourFingerprint is the fingerprint the same change would have in the
// adjacent bucket nearest to it. A change close to a bucket edge can land on
// the other side on a re-scan; check both to de-duplicate.
func NeighbourFingerprint(seriesKey string, c Change) string {
	b := bucket(c)
	var off, width int64
	if c.Time.IsZero() {
		off, width = int64(c.Index)%12, 12
	} else {
		w := int64(FingerprintWindow / time.Second)
		off, width = ((c.Time.Unix()%w)+w)%w, w
	}
	if off < width/2 {
		b--
	} else {
		b++
	}
	return fingerprint(seriesKey, c.Direction, b)
}

func bucket(c Change) int64 {
	if c.Time.IsZero() {
		return int64(c.Index) / 12
	}
	w := int64(FingerprintWindow / time.Second)
	t := c.Time.Unix()
	if t < 0 {
		return (t - w + 1) / w
	}
	return t / w
}

func fingerprint(seriesKey string, dir Direction, b int64) string {
	h := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%d", seriesKey, dir, b))
	return "fp-" + hex.EncodeToString(h[:8])
}
