package detector

import (
	"slices"
	"strconv"
	"strings"
)

// Series is one metric series: its identifying labels and its samples.
// Times holds unix seconds, one per value, ascending; it may be nil when the
// samples are only ordered (then Change.Time is zero and no seasonal
// adjustment is tried).
type Series struct {
	Labels map[string]string
	Times  []int64
	Values []float64
}

// Key returns a deterministic name for the series built from its sorted
// labels, e.g. `{case="c1",service="api"}`; it is the series part of a
// Fingerprint.
func (s Series) Key() string {
	return LabelsKey(s.Labels)
}

// LabelsKey renders labels sorted by name in Prometheus selector syntax.
func LabelsKey(labels map[string]string) string {
	names := make([]string, 0, len(labels))
	for k := range labels {
		names = append(names, k)
	}
	slices.Sort(names)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(strconv.Quote(labels[k]))
	}
	b.WriteByte('}')
	return b.String()
}
