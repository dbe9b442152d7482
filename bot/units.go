package bot

import (
	"fmt"
	"math"
	"strings"
)

// Unit is what a metric's values measure, for showing them to people.
type Unit string

// The units values are shown in. Seconds and bytes get SI (time) and
// binary (size) prefixes; a ratio is shown as a percentage.
const (
	UnitNone    Unit = ""
	UnitSeconds Unit = "seconds"
	UnitBytes   Unit = "bytes"
	UnitRatio   Unit = "ratio"
	UnitPercent Unit = "percent"
)

// ParseUnit checks a configured unit name.
func ParseUnit(s string) (Unit, error) {
	switch u := Unit(strings.ToLower(strings.TrimSpace(s))); u {
	case UnitNone, UnitSeconds, UnitBytes, UnitRatio, UnitPercent:
		return u, nil
	}
	return "", fmt.Errorf("unknown unit %q (want seconds, bytes, ratio or percent)", s)
}

// MetricInfo is how a metric is named and its values shown in chat.
type MetricInfo struct {
	// Display is the metric's name for people: "CPU per request".
	Display string
	// Unit is what its values measure.
	Unit Unit
}

// metricDefault is the reading of metric names that contain a word.
type metricDefault struct {
	contains string
	info     MetricInfo
}

// metricDefaults are the names of well-known metrics, by a word the
// metric name contains, tried in order.
func metricDefaults() []metricDefault {
	return []metricDefault{
		{"cpu_seconds_per_request", MetricInfo{"CPU per request", UnitSeconds}},
		{"cpu_per_request", MetricInfo{"CPU per request", UnitSeconds}},
		{"cpu_seconds", MetricInfo{"CPU", UnitSeconds}},
		{"duration_seconds", MetricInfo{"latency", UnitSeconds}},
		{"latency_seconds", MetricInfo{"latency", UnitSeconds}},
		{"resident_memory_bytes", MetricInfo{"memory", UnitBytes}},
		{"heap", MetricInfo{"heap", UnitBytes}},
		{"memory_bytes", MetricInfo{"memory", UnitBytes}},
		{"error_ratio", MetricInfo{"error rate", UnitRatio}},
		{"error_rate", MetricInfo{"error rate", UnitRatio}},
		{"_seconds", MetricInfo{"", UnitSeconds}},
		{"_bytes", MetricInfo{"", UnitBytes}},
		{"_ratio", MetricInfo{"", UnitRatio}},
		{"_percent", MetricInfo{"", UnitPercent}},
	}
}

// DescribeMetric returns the default display name and unit of a metric,
// derived from its name: a recording rule "level:metric:operations" is
// named after its metric part, and well-known names (cpu_seconds_per_request,
// *_duration_seconds, *_bytes, ...) get their usual reading. A name it
// does not know is shown as it is, without a unit.
func DescribeMetric(name string) MetricInfo {
	base := name
	if parts := strings.Split(name, ":"); len(parts) == 3 {
		base = parts[1]
	}
	for _, d := range metricDefaults() {
		if strings.Contains(base, d.contains) {
			info := d.info
			if info.Display == "" {
				info.Display = strings.ReplaceAll(strings.TrimSuffix(base, "_total"), "_", " ")
			}
			return info
		}
	}
	return MetricInfo{Display: base}
}

// Override returns d with the fields set in o replacing its own.
func (d MetricInfo) Override(o MetricInfo) MetricInfo {
	if o.Display != "" {
		d.Display = o.Display
	}
	if o.Unit != UnitNone {
		d.Unit = o.Unit
	}
	return d
}

// Levels shows a change from before to after in one unit, chosen for
// the larger of the two: "56.1 → 64.6 µs of CPU per request".
func (d MetricInfo) Levels(before, after float64) string {
	scale, suffix := d.Unit.scale(math.Max(math.Abs(before), math.Abs(after)))
	s := fmt.Sprintf("%s → %s%s", Num(before/scale), Num(after/scale), suffix)
	switch {
	case d.Display == "" || d.Unit == UnitNone:
		return s
	case d.Unit == UnitRatio || d.Unit == UnitPercent:
		return d.Display + " " + s // "error rate 0.1 → 2%"
	}
	return s + " of " + d.Display
}

// Value shows one value in the unit: "64.6 µs", "1.5 GiB", "3.2%".
func (d MetricInfo) Value(v float64) string {
	scale, suffix := d.Unit.scale(math.Abs(v))
	return Num(v/scale) + suffix
}

// scale picks the prefix for magnitude x: the divisor and the suffix
// written after the number.
func (u Unit) scale(x float64) (float64, string) {
	switch u {
	case UnitSeconds:
		for _, s := range []struct {
			f   float64
			sfx string
		}{{3600, " h"}, {60, " min"}, {1, " s"}, {1e-3, " ms"}, {1e-6, " µs"}} {
			if x >= s.f {
				return s.f, s.sfx
			}
		}
		return 1e-9, " ns"
	case UnitBytes:
		for _, s := range []struct {
			f   float64
			sfx string
		}{{1 << 40, " TiB"}, {1 << 30, " GiB"}, {1 << 20, " MiB"}, {1 << 10, " KiB"}} {
			if x >= s.f {
				return s.f, s.sfx
			}
		}
		return 1, " B"
	case UnitRatio:
		return 0.01, "%"
	case UnitPercent:
		return 1, "%"
	}
	return 1, ""
}

// Cost is the one way chat shows what CPU costs: "3.2 cores ≈ 32 W".
func Cost(cores, watts float64) string {
	return fmt.Sprintf("%s cores ≈ %s W", Num(cores), Num(watts))
}
