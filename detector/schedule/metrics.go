package schedule

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the scheduler's Prometheus metrics, per job: ticks by
// result (ok, empty: the query matched nothing, failed, queued: its
// shards went to the replicas, skipped: the previous sharded tick was
// not done), shards by result, series, points and shards scanned, and
// the seconds spent detecting and in whole ticks (a sharded tick's from
// its planning to its last shard). Only the replica that ran a tick or a
// shard counts it; sum over replicas.
type Metrics struct {
	ticks, shardRuns       *prometheus.CounterVec
	series, points, shards *prometheus.CounterVec
	detect, tick           *prometheus.HistogramVec
}

// NewMetrics registers the scheduler's metrics with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, append([]string{"job"}, labels...))
	}
	seconds := func(name, help string) *prometheus.HistogramVec {
		return prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help,
			Buckets: prometheus.ExponentialBuckets(0.01, 4, 9)}, []string{"job"}) // 10 ms to 11 min
	}
	m := &Metrics{
		ticks: counter("wattson_detection_ticks_total", "Detection ticks this replica ran, by job and result (ok, empty, failed, queued, skipped).", "result"),
		shardRuns: counter("wattson_detection_shard_jobs_total",
			"Queued shards of detection ticks this replica ran, by job and result (ok, failed).", "result"),
		series: counter("wattson_detection_series_scanned_total", "Series scanned by detection ticks."),
		points: counter("wattson_detection_points_scanned_total", "Points scanned by detection ticks."),
		shards: counter("wattson_detection_shards_total", "Series shards detected by detection ticks."),
		detect: seconds("wattson_detection_detect_seconds", "Seconds a tick spent running the detector over its series."),
		tick:   seconds("wattson_detection_tick_seconds", "Seconds a detection tick took, querying included."),
	}
	for _, c := range []prometheus.Collector{m.ticks, m.shardRuns, m.series, m.points, m.shards, m.detect, m.tick} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register scheduler metrics: %w", err)
		}
	}
	return m, nil
}

// health remembers, per job, how many ticks in a row failed on this
// replica and the last error.
type health struct {
	mu     sync.Mutex
	failed map[string]int
	last   map[string]error
}

// record notes a tick's outcome. A tick that matched no series neither
// clears nor extends a streak of failures: it says nothing about
// whether the job works.
func (h *health) record(job string, err error, empty bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.failed == nil {
		h.failed, h.last = map[string]int{}, map[string]error{}
	}
	switch {
	case err == nil && empty:
		return
	case err == nil:
		h.failed[job] = 0
		return
	}
	h.failed[job]++
	h.last[job] = err
}

// unready describes the jobs whose last n or more ticks failed.
func (h *health) unready(n int) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	var bad []string
	for job, k := range h.failed {
		if k >= n {
			bad = append(bad, fmt.Sprintf("detection job %s failed its last %d ticks: %v", job, k, h.last[job]))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	return fmt.Errorf("%s", strings.Join(bad, "; "))
}

// observe counts a tick of job that ran for took and ended with err.
func (s *Scheduler) observe(job string, rep *Report, took time.Duration, err error) {
	result := "ok"
	switch {
	case err != nil:
		result = "failed"
	case rep.Skipped:
		result = "skipped"
	case rep.Queued > 0:
		result = "queued"
	case rep.Series == 0:
		result = "empty"
	}
	if result != "skipped" {
		s.health.record(job, err, result == "empty")
	}
	if s.metrics == nil {
		return
	}
	s.metrics.ticks.WithLabelValues(job, result).Inc()
	if result != "queued" && result != "skipped" {
		s.metrics.tick.WithLabelValues(job).Observe(took.Seconds())
	}
	s.scanned(job, rep)
}

// observeShard counts a queued shard of job that this replica ran.
func (s *Scheduler) observeShard(job string, rep *Report, err error) {
	s.health.record(job, err, false)
	if s.metrics == nil {
		return
	}
	result := "ok"
	if err != nil {
		result = "failed"
	}
	s.metrics.shardRuns.WithLabelValues(job, result).Inc()
	s.scanned(job, rep)
}

// observeDone times a sharded tick of job, from its planning to its last
// shard.
func (s *Scheduler) observeDone(job string, took time.Duration) {
	if s.metrics != nil {
		s.metrics.tick.WithLabelValues(job).Observe(took.Seconds())
	}
}

// scanned counts the series, points and shards rep scanned.
func (s *Scheduler) scanned(job string, rep *Report) {
	m := s.metrics
	m.series.WithLabelValues(job).Add(float64(rep.Series))
	m.points.WithLabelValues(job).Add(float64(rep.Points))
	m.shards.WithLabelValues(job).Add(float64(rep.Shards))
	m.detect.WithLabelValues(job).Observe(rep.Detecting.Seconds())
}
