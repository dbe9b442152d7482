package bot

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the bot's own Prometheus metrics.
type metrics struct {
	events *prometheus.CounterVec
	handle *prometheus.HistogramVec
	alerts prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wattson_bot_events_total",
			Help: "Inbound chat events by platform, kind and outcome (ok, duplicate, user_error, internal_error).",
		}, []string{"platform", "kind", "outcome"}),
		handle: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "wattson_bot_handle_seconds",
			Help:    "Time to handle an inbound chat event, before any queued work.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, []string{"kind"}),
		alerts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wattson_bot_alerts_posted_total",
			Help: "Top-level regression alerts posted.",
		}),
	}
	for _, c := range []prometheus.Collector{m.events, m.handle, m.alerts} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register bot metrics: %w", err)
		}
	}
	return m, nil
}
