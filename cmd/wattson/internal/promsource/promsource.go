// Package promsource builds the Prometheus sources of serve's detection
// jobs, `wattson detect` and `wattson investigate` from their settings:
// the HTTP client and its timeout, the samples budget of one request, the
// source's metrics and where the server's warnings are logged.
package promsource

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wattson-dev/wattson/detector/prom"
)

// Options are a source's settings.
type Options struct {
	// MaxSamples is the samples budget of one request (0: the default).
	MaxSamples int
	// Timeout bounds each request, its answer read; zero means none.
	Timeout time.Duration
	// Registerer, when set, receives the source's metrics.
	Registerer prometheus.Registerer
	// Logger, when set, logs each warning of the server's (a partial
	// response, a query that matched nothing) at WARN.
	Logger *slog.Logger
}

// New returns the source for the server at addr. It does no I/O.
func New(addr string, o Options) (*prom.Source, error) {
	src, err := prom.New(addr, &http.Client{Timeout: o.Timeout})
	if err != nil {
		return nil, err
	}
	src.MaxSamples = o.MaxSamples
	if o.Registerer != nil {
		if src.Metrics, err = prom.NewMetrics(o.Registerer); err != nil {
			return nil, err
		}
	}
	if log := o.Logger; log != nil {
		src.Warn = func(q, w string) { log.Warn("prometheus warning", "query", q, "warning", w) }
	}
	return src, nil
}
