// Package prom reads metric series from Prometheus: live, through the HTTP
// API (query_range and /api/v1/series, both decoded as they arrive; the
// client_golang api package builds the URLs), or from a saved query_range
// JSON response. Both give detector.Series.
//
// # Long ranges are split
//
// Prometheus refuses a range query of more than 11,000 points per series
// ("exceeded maximum resolution of 11,000 points per timeseries"): 10 days
// at a 60 s step is 14,400 steps. Source.QueryRange therefore asks for
// consecutive windows of at most MaxPoints points each, one after the
// other, and concatenates each series' samples, matching a series across
// windows by its label set; a series absent from some windows has fewer
// points, and keeps the place where it first appeared.
//
// Seams lose and repeat nothing because Prometheus evaluates a range at
// start, start+step, … up to end: every window starts a whole number of
// steps after the query's start, on the same grid, and ends one step
// before the next window starts; the last one ends at the query's end.
//
// # Wide queries are sharded by series
//
// Prometheus also refuses a query that would hold more samples than its
// --query.max-samples (default 50M; 100k series × 864 points is 86M), with
// a 422. Source.MaxSamples is the budget of one request (series × points
// per series; DefaultMaxSamples when zero). When the query reads one
// series selector and aggregates nothing (promql.ShardOf), QueryRange
// first lists its series with /api/v1/series over the range (keeping only
// how many series have each value of each label: for a million series a
// quarter of the memory of their label sets, series.go), picks the
// label that splits them finest (usually instance or pod), and narrows the
// query with a regex matcher on groups of that label's values, each group
// as many series as the budget allows at the query's points per series;
// one value with more series than that goes alone, in shorter windows.
// Matchers, rather than a hash of the series, because PromQL has no hash
// function and a matcher is what the server indexes. A query that
// aggregates is sent whole: a sum over part of the series is part of a
// sum. A series that appears between the listing and its shard's request
// is missed until the next query.
//
// # Answers are decoded as a stream
//
// A query_range answer is read as it arrives (decode.go), by a small
// hand-rolled scanner for its fixed shape, straight into each series'
// Times and Values: the body is never held, so the memory a read adds is
// the samples (16 bytes a point, about 0.65 bytes per byte of JSON) and a
// 256 KiB buffer. encoding/json with RawMessage per point cost four times
// the detector's CPU and five times the response in memory;
// encoding/json/jsontext would do, but Go 1.26 has it only behind
// GOEXPERIMENT=jsonv2. Sample values of up to 15 significant digits take
// an exact fast path (mantissa over a power of ten, both exact in a
// float64); longer ones go to strconv.ParseFloat. A point written as
// Prometheus writes it, [<time>,"<value>"] with no spaces, is read in one
// pass over the buffer (fastPoint); anything else takes the general
// path, which also names what is wrong. Once the detector got twice as
// fast, token-by-token reading of points cost more CPU than detecting
// them (10,000 series × 864 points: 0.78 CPU-s to read, 0.64 to detect);
// with fastPoint reading is 0.49 (0.64 over loopback HTTP, the test
// server's writing included). Files (ReadFile) and the HTTP source share
// the decoder; BenchmarkQueryRange10k measures it.
//
// Prometheus spends most of a large answer's time gzip-compressing it, so
// Source asks for gzip only when the bytes cost more than the compressing:
// by default not from a loopback address (Compression).
//
// # Warnings
//
// A Thanos or Mimir partial response is a success with warnings, and a
// query that matches nothing is a success with no series; either way the
// data may not be what the caller thinks. QueryRange returns both in
// Result.Warnings, and Query, QueryShards and QueryShard pass them to
// Source.Warn when it is set. QueryShards and QueryShard also hand each
// shard's series over with the server's warnings about them, so the
// detection scheduler can keep them on the regressions found there.
package prom
