package prom

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"

	"github.com/wattson-dev/wattson/detector/prom/promql"
)

// DefaultMaxSamples is the samples budget of one request when a Source's
// MaxSamples is zero: a tenth of Prometheus's default --query.max-samples
// (50M), so that a wide query leaves room for everyone else's.
const DefaultMaxSamples = 5_000_000

// request is one query_range call of a shard.
type request struct {
	query string
	r     v1.Range
}

// Shard is one part of a range query as Plan cuts it: the query narrowed
// to a group of series (the query itself when it was not cut), and at
// most how many points per series each of its requests asks for. It is
// plain data, so that a shard can be queued and queried by another
// replica (QueryShard) over the same range.
type Shard struct {
	Query string `json:"query"`
	// Points per series of one request: the range is sent in time
	// windows of at most this many points.
	Points int `json:"points"`
}

// requests are the query_range calls of sh over [start, end] at step, in
// time order.
func (sh Shard) requests(start, end time.Time, step time.Duration) []request {
	var out []request
	for _, w := range windowsOf(start, end, step, sh.Points) {
		out = append(out, request{sh.Query, w})
	}
	return out
}

// plan is the shards a range query is sent as and the warnings of
// listing its series (a partial list may leave series out).
type plan struct {
	shards   []Shard
	warnings []string
}

// plan cuts a range query into shards whose requests each stay under
// MaxPoints points per series and, when the query can be split by series
// (promql.ShardOf), under the samples budget: it lists the query's series
// with /api/v1/series, groups them by the values of one label and narrows
// the query to each group. A group is as large as the budget allows at
// the query's points per series; a single label value with more series
// than that gets a group of its own and shorter time windows. When the
// series cannot be listed, the query is sent whole, with a warning.
func (s *Source) plan(ctx context.Context, query string, start, end time.Time, step time.Duration) (plan, error) {
	points := min(steps(start, end, step)+1, MaxPoints)
	whole := plan{shards: []Shard{{query, points}}}
	sh, ok := promql.ShardOf(query)
	if !ok {
		return whole, nil
	}
	counts, warns, err := s.listSeries(ctx, sh.Selector(), start, end)
	if err != nil {
		// The query itself may still fit (and a proxy may not serve
		// /api/v1/series); if it does not, its own error says so.
		whole.warnings = []string{fmt.Sprintf("sent unsharded: list series of %s: %v", sh.Selector(), err)}
		return whole, nil
	}
	whole.warnings = warns
	budget := cmp.Or(s.MaxSamples, DefaultMaxSamples)
	if counts.series*points <= budget {
		return whole, nil
	}
	label, groups := groupSeries(counts, max(1, budget/points))
	p := plan{shards: make([]Shard, len(groups)), warnings: warns}
	for i, g := range groups {
		pts := min(points, budget/g.series)
		if pts < 1 {
			return plan{}, fmt.Errorf("%s=%q alone has %d series, more than the samples budget of %d: raise max_samples", label, g.values[0], g.series, budget)
		}
		p.shards[i] = Shard{sh.Restrict(label, g.values), pts}
	}
	return p, nil
}

// steps is the number of whole steps from start to end (0 when end is
// not after start).
func steps(start, end time.Time, step time.Duration) int {
	return int(max(0, end.Sub(start)/step))
}

// group is a set of values of one label and how many series have them.
type group struct {
	values []string
	series int
}

// groupSeries picks the label that splits the series finest (the
// smallest largest group of series sharing a value; on a tie the most
// values) and packs its values, in order, into groups of at most perGroup
// series; a value with more series than that is a group of its own. A
// series without the label counts under the value "".
func groupSeries(c labelCounts, perGroup int) (string, []group) {
	var (
		best      string
		bestLarge = -1
	)
	for name, byValue := range c.byName {
		large := 0
		for _, n := range byValue {
			large = max(large, n)
		}
		better := bestLarge < 0 || large < bestLarge ||
			large == bestLarge && (len(byValue) > len(c.byName[best]) || len(byValue) == len(c.byName[best]) && name < best)
		if better {
			best, bestLarge = name, large
		}
	}
	values := slices.Sorted(maps.Keys(c.byName[best]))
	var out []group
	for _, v := range values {
		n := c.byName[best][v]
		if len(out) == 0 || out[len(out)-1].series+n > perGroup {
			out = append(out, group{})
		}
		g := &out[len(out)-1]
		g.values = append(g.values, v)
		g.series += n
	}
	return best, out
}
