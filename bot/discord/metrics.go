package discord

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the Discord adapter's Prometheus metrics.
type metrics struct {
	requests *prometheus.CounterVec
	ack      *prometheus.HistogramVec
	posted   prometheus.Counter
	retries  prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wattson_discord_interactions_total",
			Help: "Interactions received by transport (http, gateway) and outcome (ok, unauthorized, bad_request, deferred).",
		}, []string{"transport", "outcome"}),
		ack: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "wattson_discord_ack_seconds",
			Help:    "Time from receiving a Discord interaction to answering or deferring it.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, []string{"transport"}),
		posted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wattson_discord_messages_posted_total",
			Help: "Messages posted to Discord.",
		}),
		retries: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wattson_discord_retries_total",
			Help: "Discord REST calls retried after a 429 or a transient failure.",
		}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.ack, m.posted, m.retries} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register discord metrics: %w", err)
		}
	}
	return m, nil
}
