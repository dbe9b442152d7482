package bot_test

import (
	"testing"

	"github.com/wattson-dev/wattson/bot"
)

func TestDescribeMetric(t *testing.T) {
	for _, tc := range []struct {
		metric string
		want   bot.MetricInfo
	}{
		{"service:cpu_seconds_per_request:rate5m", bot.MetricInfo{Display: "CPU per request", Unit: bot.UnitSeconds}},
		{"cpu_per_request", bot.MetricInfo{Display: "CPU per request", Unit: bot.UnitSeconds}},
		{"http_request_duration_seconds", bot.MetricInfo{Display: "latency", Unit: bot.UnitSeconds}},
		{"process_resident_memory_bytes", bot.MetricInfo{Display: "memory", Unit: bot.UnitBytes}},
		{"job:queue_wait_seconds:p99", bot.MetricInfo{Display: "queue wait seconds", Unit: bot.UnitSeconds}},
		{"checkout_orders", bot.MetricInfo{Display: "checkout_orders"}},
	} {
		if got := bot.DescribeMetric(tc.metric); got != tc.want {
			t.Errorf("DescribeMetric(%q) = %+v, want %+v", tc.metric, got, tc.want)
		}
	}
}

func TestLevels(t *testing.T) {
	cpu := bot.MetricInfo{Display: "CPU per request", Unit: bot.UnitSeconds}
	for _, tc := range []struct {
		info          bot.MetricInfo
		before, after float64
		want          string
	}{
		{cpu, 5.61e-05, 6.46e-05, "56.1 → 64.6 µs of CPU per request"},
		{cpu, 0.0104, 0.0129, "10.4 → 12.9 ms of CPU per request"},
		{cpu, 0.0009, 0.0012, "0.9 → 1.2 ms of CPU per request"},
		{bot.MetricInfo{Display: "memory", Unit: bot.UnitBytes}, 512 << 20, 1536 << 20, "0.5 → 1.5 GiB of memory"},
		{bot.MetricInfo{Display: "error rate", Unit: bot.UnitRatio}, 0.001, 0.02, "error rate 0.1 → 2%"},
		{bot.MetricInfo{Display: "orders"}, 12, 15, "12 → 15"},
	} {
		if got := tc.info.Levels(tc.before, tc.after); got != tc.want {
			t.Errorf("Levels(%v, %v) = %q, want %q", tc.before, tc.after, got, tc.want)
		}
	}
	override := bot.DescribeMetric("checkout_orders").Override(bot.MetricInfo{Display: "orders per second"})
	if override.Display != "orders per second" {
		t.Errorf("override = %+v", override)
	}
	if _, err := bot.ParseUnit("furlongs"); err == nil {
		t.Error("ParseUnit accepted furlongs")
	}
}
