package sample

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"
)

// Metric names, as a Prometheus recording rule and a build info gauge
// name them.
const (
	// CPUMetric is CPU seconds per request, averaged over five minutes.
	CPUMetric = "service:cpu_seconds_per_request:rate5m"
	// rollout is how long a deploy takes to replace every replica.
	rollout = 6 * time.Minute
	// step is the resolution of the saved series.
	step = time.Minute
)

// level is the CPU cost per request of one release, as measured.
type level struct {
	from time.Time
	cost float64
}

// queryRange is the JSON envelope of a Prometheus query_range response.
type queryRange struct {
	Status string `json:"status"`
	Data   struct {
		ResultType string   `json:"resultType"`
		Result     []matrix `json:"result"`
	} `json:"data"`
}

// matrix is one series of a query_range response.
type matrix struct {
	Metric map[string]string `json:"metric"`
	Values [][2]any          `json:"values"`
}

// cpuSeries is the service's CPU per request from start to end: each
// release's measured cost from the moment its rollout completes, blended
// during the rollout, with two percent of measurement noise.
func cpuSeries(service string, start, end time.Time, levels []level) matrix {
	rng := rand.New(rand.NewPCG(7, 11))
	m := matrix{Metric: map[string]string{"__name__": CPUMetric, "service": service}}
	for t := start; t.Before(end); t = t.Add(step) {
		v := levels[0].cost
		for i := 1; i < len(levels); i++ {
			if l := levels[i]; !t.Before(l.from) {
				frac := min(1, float64(t.Sub(l.from))/float64(rollout))
				v = levels[i-1].cost + frac*(l.cost-levels[i-1].cost)
			}
		}
		v *= 1 + 0.02*rng.NormFloat64()
		m.Values = append(m.Values, [2]any{t.Unix(), strconv.FormatFloat(v, 'g', 6, 64)})
	}
	return m
}

// buildInfo is the <service>_build_info gauge: one series per release,
// 1 while it serves traffic; outgoing and incoming releases overlap during
// a rollout.
func buildInfo(service string, start, end time.Time, rels []release) []matrix {
	var out []matrix
	for i, r := range rels {
		until := end
		if i+1 < len(rels) {
			until = rels[i+1].Time.Add(rollout)
		}
		m := matrix{Metric: map[string]string{
			"__name__": service + "_build_info", "service": service, "job": service,
			"revision": r.Revision, "version": r.Tag, "goversion": runtime.Version(),
		}}
		for t := start; t.Before(end); t = t.Add(step) {
			if !t.Before(r.Time) && t.Before(until) {
				m.Values = append(m.Values, [2]any{t.Unix(), "1"})
			}
		}
		if len(m.Values) > 0 {
			out = append(out, m)
		}
	}
	return out
}

// deployEntry is one line of the deploy log, as CD systems export it.
type deployEntry struct {
	Time        time.Time `json:"time"`
	Revision    string    `json:"revision"`
	Version     string    `json:"version"`
	Environment string    `json:"environment"`
}

// deployLog lists the releases as production deploys, oldest first.
func deployLog(rels []release) []deployEntry {
	out := make([]deployEntry, len(rels))
	for i, r := range rels {
		out[i] = deployEntry{Time: r.Time, Revision: r.Revision, Version: r.Tag, Environment: "production"}
	}
	return out
}

// response wraps series in a successful query_range response.
func response(series ...matrix) queryRange {
	var q queryRange
	q.Status = "success"
	q.Data.ResultType = "matrix"
	q.Data.Result = series
	return q
}

// writeJSON writes v as JSON to dir/name and returns the path.
func writeJSON(dir, name string, v any) (string, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode %s: %w", name, err)
	}
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return "", fmt.Errorf("write %s: %w", name, err)
	}
	return p, nil
}
