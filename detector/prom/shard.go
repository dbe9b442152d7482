package prom

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"

	"github.com/wattson-dev/wattson/detector/prom/promql"
)

// DefaultMaxSamples is the samples budget of one request when a Source's
// MaxSamples is zero: a tenth of Prometheus's default --query.max-samples
// (50M), so that a wide query leaves room for everyone else's.
const DefaultMaxSamples = 5_000_000

// request is one query_range call of a plan.
type request struct {
	query string
	r     v1.Range
}

// plan is the requests a range query is sent as, per series shard (one
// shard when it was not cut), each shard's in time order, and the
// warnings of listing its series (a partial list may leave series out).
type plan struct {
	shards   [][]request
	warnings []string
}

// requests counts the plan's requests.
func (p plan) requests() int {
	n := 0
	for _, sh := range p.shards {
		n += len(sh)
	}
	return n
}

// plan cuts a range query into requests that each stay under MaxPoints
// points per series and, when the query can be split by series
// (promql.ShardOf), under the samples budget: it lists the query's series
// with /api/v1/series, groups them by the values of one label and narrows
// the query to each group. A group is as large as the budget allows at
// the query's points per series; a single label value with more series
// than that gets a group of its own and shorter time windows. When the
// series cannot be listed, the query is sent whole, with a warning.
func (s *Source) plan(ctx context.Context, query string, start, end time.Time, step time.Duration) (plan, error) {
	points := min(steps(start, end, step)+1, MaxPoints)
	whole := plan{shards: [][]request{nil}}
	for _, w := range windowsOf(start, end, step, points) {
		whole.shards[0] = append(whole.shards[0], request{query, w})
	}
	sh, ok := promql.ShardOf(query)
	if !ok {
		return whole, nil
	}
	sets, warns, _, err := s.api.Series(ctx, []string{sh.Selector()}, start, end)
	if err != nil {
		// The query itself may still fit (and a proxy may not serve
		// /api/v1/series); if it does not, its own error says so.
		whole.warnings = []string{fmt.Sprintf("sent unsharded: list series of %s: %v", sh.Selector(), err)}
		return whole, nil
	}
	whole.warnings = warns
	budget := cmp.Or(s.MaxSamples, DefaultMaxSamples)
	if len(sets)*points <= budget {
		return whole, nil
	}
	label, groups := groupSeries(sets, max(1, budget/points))
	p := plan{shards: make([][]request, len(groups)), warnings: warns}
	for i, g := range groups {
		pts := min(points, budget/g.series)
		if pts < 1 {
			return plan{}, fmt.Errorf("%s=%q alone has %d series, more than the samples budget of %d: raise max_samples", label, g.values[0], g.series, budget)
		}
		q := sh.Restrict(label, g.values)
		for _, w := range windowsOf(start, end, step, pts) {
			p.shards[i] = append(p.shards[i], request{q, w})
		}
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

// groupSeries picks the label that splits sets finest (the smallest
// largest group of series sharing a value; on a tie the most values) and
// packs its values, in order, into groups of at most perGroup series; a
// value with more series than that is a group of its own. A series
// without the label counts under the value "".
func groupSeries(sets []model.LabelSet, perGroup int) (string, []group) {
	counts := map[model.LabelName]map[model.LabelValue]int{}
	for _, ls := range sets {
		for name := range ls {
			if counts[name] == nil {
				counts[name] = map[model.LabelValue]int{}
			}
		}
	}
	for name, byValue := range counts {
		for _, ls := range sets {
			byValue[ls[name]]++
		}
	}
	var (
		best      model.LabelName
		bestLarge = -1
	)
	for name, byValue := range counts {
		large := 0
		for _, n := range byValue {
			large = max(large, n)
		}
		better := bestLarge < 0 || large < bestLarge ||
			large == bestLarge && (len(byValue) > len(counts[best]) || len(byValue) == len(counts[best]) && name < best)
		if better {
			best, bestLarge = name, large
		}
	}
	values := make([]model.LabelValue, 0, len(counts[best]))
	for v := range counts[best] {
		values = append(values, v)
	}
	slices.Sort(values)
	var out []group
	for _, v := range values {
		n := counts[best][v]
		if len(out) == 0 || out[len(out)-1].series+n > perGroup {
			out = append(out, group{})
		}
		g := &out[len(out)-1]
		g.values = append(g.values, string(v))
		g.series += n
	}
	return string(best), out
}
