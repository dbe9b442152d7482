package promql

import (
	"regexp"
	"slices"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// Sharder rewrites one query into narrower ones that each select part of
// its series, so that a fleet-sized query can be sent in pieces that each
// stay under the server's samples budget. Build it with ShardOf. It is
// not safe for concurrent use.
type Sharder struct {
	expr parser.Expr
	sel  *parser.VectorSelector
}

// ShardOf returns a Sharder for query, or false when the query's result
// cannot be split by series: it must read exactly one vector selector and
// aggregate nothing. Then every result series comes from one selected
// series and keeps its labels, so narrowing the selector to a subset of
// its series yields exactly that subset of the result (sum by (x) over
// part of the series would be part of a sum, and a / b over two
// selectors would pair series across shards).
func ShardOf(query string) (*Sharder, bool) {
	p := parser.NewParser(parser.Options{EnableExperimentalFunctions: true})
	expr, err := p.ParseExpr(query)
	if err != nil {
		return nil, false
	}
	var (
		sels []*parser.VectorSelector
		agg  bool
	)
	parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
		switch n := n.(type) {
		case *parser.VectorSelector:
			sels = append(sels, n)
		case *parser.AggregateExpr:
			agg = true
		}
		return nil
	})
	if len(sels) != 1 || agg {
		return nil, false
	}
	return &Sharder{expr: expr, sel: sels[0]}, true
}

// Selector is the query's series selector as /api/v1/series takes it in
// match[]: its metric name and label matchers, without offset or @.
func (s *Sharder) Selector() string {
	plain := &parser.VectorSelector{Name: s.sel.Name, LabelMatchers: s.sel.LabelMatchers}
	return plain.String()
}

// Restrict returns the query with its selector narrowed to the series
// whose label name has one of values; the value "" stands for series
// without that label.
func (s *Sharder) Restrict(name string, values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = regexp.QuoteMeta(v)
	}
	m := &labels.Matcher{Type: labels.MatchRegexp, Name: name, Value: strings.Join(quoted, "|")}
	old := s.sel.LabelMatchers
	s.sel.LabelMatchers = append(slices.Clip(old), m)
	q := s.expr.String()
	s.sel.LabelMatchers = old
	return q
}
