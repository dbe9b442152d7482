package bot_test

import (
	"testing"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/bottest"
	"github.com/wattson-dev/wattson/store"
)

// TestDescribeRegressionByJob: a detection job's display and unit name a
// recording rule's regressions, over what the metric name suggests.
func TestDescribeRegressionByJob(t *testing.T) {
	core, err := bot.NewCore(bot.CoreOptions{Store: bottest.New(t, bottest.Options{}).Store, Chats: map[string]bot.Chat{"test": &bottest.Chat{}},
		DefaultPlatform: "test", DefaultChannel: "#perf",
		Jobs: map[string]bot.MetricInfo{"shiprate-cpu": {Display: "CPU per shipment", Unit: bot.UnitSeconds}, "shiprate-rss": {Unit: bot.UnitBytes}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		r    store.Regression
		want bot.MetricInfo
	}{
		{store.Regression{Job: "shiprate-cpu", Metric: "service:cpu:rate5m"}, bot.MetricInfo{Display: "CPU per shipment", Unit: bot.UnitSeconds}},
		{store.Regression{Job: "shiprate-rss", Metric: "service:rss:max"}, bot.MetricInfo{Display: bot.DescribeMetric("service:rss:max").Display, Unit: bot.UnitBytes}},
		{store.Regression{Metric: "cpu_seconds_per_request"}, bot.DescribeMetric("cpu_seconds_per_request")},
	} {
		if got := core.DescribeRegression(tc.r); got != tc.want {
			t.Errorf("DescribeRegression(%s, %s) = %+v, want %+v", tc.r.Job, tc.r.Metric, got, tc.want)
		}
	}
	m := bot.AlertMessage(store.Regression{ID: "R-1", Service: "shiprate", Job: "shiprate-cpu", Before: 56e-6, After: 65e-6, Pct: 16},
		core.DescribeRegression(store.Regression{Job: "shiprate-cpu"}), 0, 0, nil)
	if want := "shiprate: CPU per shipment up 16.0% (R-1)"; m.Title != want {
		t.Errorf("alert title %q, want %q", m.Title, want)
	}
}
