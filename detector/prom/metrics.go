package prom

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are a Source's Prometheus metrics: the seconds each query_range
// request took, its answer read and decoded (by outcome: ok, error), and
// the bytes of JSON the answers held.
type Metrics struct {
	seconds *prometheus.HistogramVec
	bytes   prometheus.Counter
}

// NewMetrics registers a Source's metrics with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		seconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "wattson_prometheus_query_seconds",
			Help:    "Seconds a query_range request to Prometheus took, its answer read and decoded, by outcome.",
			Buckets: prometheus.ExponentialBuckets(0.005, 3, 10), // 5 ms to 98 s
		}, []string{"outcome"}),
		bytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wattson_prometheus_response_bytes_total",
			Help: "Bytes of JSON read from Prometheus's query_range answers (after any gzip).",
		}),
	}
	for _, c := range []prometheus.Collector{m.seconds, m.bytes} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register prometheus source metrics: %w", err)
		}
	}
	return m, nil
}

// observe counts one request that took d and read n bytes.
func (m *Metrics) observe(d time.Duration, n int64, err error) {
	if m == nil {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.seconds.WithLabelValues(outcome).Observe(d.Seconds())
	m.bytes.Add(float64(n))
}
