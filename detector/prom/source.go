package prom

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/api"

	"github.com/wattson-dev/wattson/detector"
)

// Source queries a Prometheus-compatible server (Prometheus, Thanos, Mimir)
// through its HTTP API.
type Source struct {
	client api.Client   // for building URLs
	hc     *http.Client // sends query_range and series, whose answers are streamed
	// MaxSamples is the samples budget of one request: series times
	// points per series, as Prometheus's --query.max-samples counts them
	// for a plain range query. Zero means DefaultMaxSamples.
	MaxSamples int
	// Compression says whether to ask for gzip; the zero value,
	// CompressAuto, does except from a loopback address.
	Compression Compression
	// Metrics, when set, times each request and counts its bytes.
	Metrics *Metrics
	// Warn, when set, receives each of a Query's Result.Warnings with the
	// query it belongs to (e.g. to log them); New leaves it nil.
	Warn func(query, warning string)
}

// New returns a Source for the server at addr (e.g. http://prometheus:9090).
// client may be nil for http.DefaultClient's transport. New does no I/O.
func New(addr string, client *http.Client) (*Source, error) {
	if client == nil {
		client = &http.Client{Transport: api.DefaultRoundTripper}
	}
	c, err := api.NewClient(api.Config{Address: addr, Client: client})
	if err != nil {
		return nil, fmt.Errorf("create prometheus client: %w", err)
	}
	return &Source{client: c, hc: client}, nil
}

// Result is the answer to a range query.
type Result struct {
	// Series holds one entry per series, its samples from every window.
	Series []detector.Series
	// Warnings are the server's warnings (a Thanos or Mimir partial
	// response says so here), each distinct text once, and a note when
	// no series matched: the data may be incomplete though there is no
	// error.
	Warnings []string
	// Shards is how many series shards the query was cut into (1 when it
	// was sent whole), Requests how many query_range calls it took.
	Shards, Requests int
	// Points is how many samples the answers held, Bytes how many bytes
	// of JSON they were (after any gzip).
	Points, Bytes int64
}

// Query runs query over [start, end] at step and returns one Series per
// result; see QueryRange. A query that matches nothing returns no series
// and no error; the Result's warnings go to Warn.
func (s *Source) Query(ctx context.Context, query string, start, end time.Time, step time.Duration) ([]detector.Series, error) {
	r, err := s.QueryRange(ctx, query, start, end, step)
	s.warn(query, r.Warnings)
	return r.Series, err
}

func (s *Source) warn(query string, warnings []string) {
	if s.Warn != nil {
		for _, w := range warnings {
			s.Warn(query, w)
		}
	}
}

// QueryShards is QueryRange handing over the series shard by shard: each
// is called with one shard's Result, its series complete (their time
// windows joined) and the server's warnings about that shard's answers,
// before the next shard is requested; an error from each stops the query
// and is returned. Every warning also goes to Warn.
func (s *Source) QueryShards(ctx context.Context, query string, start, end time.Time, step time.Duration, each func(Result) error) error {
	r, err := s.queryShards(ctx, query, start, end, step, each)
	s.warn(query, r.Warnings)
	return err
}

// QueryRange runs query over [start, end] at step as the requests of a
// plan (see plan: series shards within the samples budget, each in time
// windows of at most MaxPoints points per series), sent one after the
// other, and concatenates each series' samples. A query that matches
// nothing returns no series, no error and a warning saying so.
func (s *Source) QueryRange(ctx context.Context, query string, start, end time.Time, step time.Duration) (Result, error) {
	var all []detector.Series
	r, err := s.queryShards(ctx, query, start, end, step, func(r Result) error {
		all = append(all, r.Series...)
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	r.Series = all
	return r, nil
}

// queryShards sends the plan's requests shard by shard and calls each
// with a Result holding the shard's series and the server's warnings
// about them. The Result it returns has the counts and every warning
// (the plan's too), no series.
func (s *Source) queryShards(ctx context.Context, query string, start, end time.Time, step time.Duration, each func(Result) error) (Result, error) {
	if step <= 0 {
		return Result{}, errors.New("query prometheus: step must be positive")
	}
	p, err := s.plan(ctx, query, start, end, step)
	if err != nil {
		return Result{}, fmt.Errorf("query prometheus: %w", err)
	}
	res := Result{Shards: len(p.shards)}
	res.addWarnings(p.warnings)
	found := 0
	for _, sh := range p.shards {
		var part Result
		series, err := s.queryShard(ctx, sh, start, end, step, &part)
		res.add(part)
		if err != nil {
			return res, err
		}
		found += len(series)
		if len(series) == 0 {
			continue
		}
		part.Series = series
		if err := each(part); err != nil {
			return res, err
		}
	}
	if found == 0 {
		res.addWarnings([]string{noSeries(start, end, step)})
	}
	return res, nil
}

// noSeries is the warning of a query that matched nothing.
func noSeries(start, end time.Time, step time.Duration) string {
	return fmt.Sprintf("no series matched from %s to %s at step %s",
		start.UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339), step)
}

// add adds part's counts and warnings to r's.
func (r *Result) add(part Result) {
	r.Requests += part.Requests
	r.Points += part.Points
	r.Bytes += part.Bytes
	r.addWarnings(part.Warnings)
}

// addWarnings adds each warning not yet in r's.
func (r *Result) addWarnings(ws []string) {
	for _, w := range ws {
		if !slices.Contains(r.Warnings, w) {
			r.Warnings = append(r.Warnings, w)
		}
	}
}

// queryShard sends sh's requests over [start, end] at step, one time
// window after the other, and returns its series, each window's samples
// joined; the requests, points, bytes and warnings go into res.
func (s *Source) queryShard(ctx context.Context, sh Shard, start, end time.Time, step time.Duration, res *Result) ([]detector.Series, error) {
	reqs := sh.requests(start, end, step)
	res.Requests += len(reqs)
	total := 0
	for _, req := range reqs {
		total += steps(req.r.Start, req.r.End, req.r.Step) + 1
	}
	var all concat
	for i, req := range reqs {
		capHint := steps(req.r.Start, req.r.End, req.r.Step) + 1
		if i == 0 {
			capHint = total // the later windows append to these
		}
		began := time.Now()
		e, err := s.queryRange(ctx, req.query, req.r, capHint)
		s.Metrics.observe(time.Since(began), e.bytes, err)
		res.Bytes += e.bytes
		if err != nil {
			return nil, fmt.Errorf("query prometheus: %w", err)
		}
		res.addWarnings(e.warnings)
		for _, ser := range e.series {
			res.Points += int64(len(ser.Times))
		}
		all.add(e.series)
	}
	return all.order, nil
}

// Plan cuts query over [start, end] at step into the shards QueryRange
// would send (one, the query itself, when it fits in one request's
// budget), for callers that query them apart, as serve's replicas do.
// Warnings of listing the series go to Warn.
func (s *Source) Plan(ctx context.Context, query string, start, end time.Time, step time.Duration) ([]Shard, error) {
	if step <= 0 {
		return nil, errors.New("plan prometheus query: step must be positive")
	}
	p, err := s.plan(ctx, query, start, end, step)
	if err != nil {
		return nil, fmt.Errorf("plan prometheus query: %w", err)
	}
	s.warn(query, p.warnings)
	return p.shards, nil
}

// QueryShard queries one shard of a Plan over the same range and returns
// its Result: its series, complete, and the server's warnings about them
// (which also go to Warn). A shard that matches nothing returns no series
// and no error.
func (s *Source) QueryShard(ctx context.Context, sh Shard, start, end time.Time, step time.Duration) (Result, error) {
	if step <= 0 || sh.Points < 1 {
		return Result{}, fmt.Errorf("query prometheus shard %s: step and points must be positive", sh.Query)
	}
	res := Result{Shards: 1}
	series, err := s.queryShard(ctx, sh, start, end, step, &res)
	s.warn(sh.Query, res.Warnings)
	res.Series = series
	return res, err
}

// FileSource answers queries from a saved query_range response: every
// query returns the file's series cut to [start, end]; a zero start or end
// leaves that side open.
type FileSource struct {
	Path string
}

// Query reads the file and returns its series within [start, end]; query
// and step are ignored.
func (f FileSource) Query(_ context.Context, _ string, start, end time.Time, _ time.Duration) ([]detector.Series, error) {
	all, err := ReadFile(f.Path)
	if err != nil {
		return nil, err
	}
	for i, s := range all {
		lo, hi := 0, len(s.Times)
		for lo < hi && !start.IsZero() && s.Times[lo] < start.Unix() {
			lo++
		}
		for hi > lo && !end.IsZero() && s.Times[hi-1] > end.Unix() {
			hi--
		}
		all[i].Times, all[i].Values = s.Times[lo:hi], s.Values[lo:hi]
	}
	return all, nil
}

// ParseTime reads a query bound as the Prometheus API takes it, RFC 3339
// or unix seconds, or as a negative duration from now (e.g. -72h).
func ParseTime(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(v, 0), nil
	}
	if d, err := time.ParseDuration(s); err == nil && d <= 0 {
		return now.Add(d), nil
	}
	return time.Time{}, fmt.Errorf("%q is not RFC 3339, unix seconds or a negative duration", s)
}
