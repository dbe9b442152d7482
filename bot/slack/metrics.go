package slack

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the Slack adapter's Prometheus metrics.
type metrics struct {
	requests *prometheus.CounterVec
	ack      *prometheus.HistogramVec
	posted   prometheus.Counter
	retries  prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wattson_slack_requests_total",
			Help: "Requests to the Slack endpoints by endpoint and outcome (ok, unauthorized, bad_request, duplicate).",
		}, []string{"endpoint", "outcome"}),
		ack: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "wattson_slack_ack_seconds",
			Help:    "Time from receiving a Slack request to acknowledging it.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, []string{"endpoint"}),
		posted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wattson_slack_messages_posted_total",
			Help: "Messages posted to Slack.",
		}),
		retries: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wattson_slack_retries_total",
			Help: "Slack Web API calls retried after a 429 or a transient failure.",
		}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.ack, m.posted, m.retries} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register slack metrics: %w", err)
		}
	}
	return m, nil
}
