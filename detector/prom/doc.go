// Package prom reads metric series from Prometheus: live, through the HTTP
// API's query_range endpoint (client_golang api/prometheus/v1), or from a
// saved query_range JSON response. Both give detector.Series.
package prom
