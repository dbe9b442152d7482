// Package promsource builds the Prometheus sources of serve's detection
// jobs, `wattson detect` and `wattson investigate` from their settings:
// the HTTP client (prometheus/common/config's HTTPClientConfig, the
// schema Prometheus's own configs use, so a deployment's auth, TLS and
// header settings carry over as they are) and its timeout, the samples budget of one request, the
// source's metrics and where the server's warnings are logged.
package promsource

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	promconfig "github.com/prometheus/common/config"

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
	// Client, when set, configures the HTTP client as Prometheus's own
	// configs do (prometheus/common/config): authorization, basic auth,
	// TLS CA and client certificate, extra headers such as Mimir's
	// X-Scope-OrgID, a proxy.
	Client *promconfig.HTTPClientConfig
	// Logger, when set, logs each warning of the server's (a partial
	// response, a query that matched nothing) at WARN.
	Logger *slog.Logger
}

// New returns the source for the server at addr. It does no I/O.
func New(addr string, o Options) (*prom.Source, error) {
	hc := &http.Client{}
	if o.Client != nil {
		c, err := promconfig.NewClientFromConfig(*o.Client, "prometheus")
		if err != nil {
			return nil, fmt.Errorf("prometheus http client: %w", err)
		}
		hc = c
	}
	hc.Timeout = o.Timeout
	src, err := prom.New(addr, hc)
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
