// Package promql checks PromQL queries before they are sent: config
// validation calls Check so that a detection job whose query has a syntax
// error, or does not return a series, fails at load rather than at its
// first scheduled run.
//
// It uses the Prometheus server's own parser
// (github.com/prometheus/prometheus/promql/parser), the only complete
// definition of the grammar; a hand-written bracket-and-quote check would
// miss most mistakes (an unknown function, a range where an instant vector
// belongs, "by" after the wrong operator). The module is pinned to the
// newest release whose go directive is not above ours; it adds a score of
// small packages (labels, the parser, grafana/regexp) to the build, not
// the TSDB or the rest of the server.
package promql

import (
	"fmt"
	"strings"

	"github.com/prometheus/prometheus/promql/parser"
)

// Check reports the first problem the Prometheus parser finds in query,
// such as "1:15: parse error: unclosed left parenthesis", or that query
// does not evaluate to an instant vector or a scalar, which is what a
// range query (/api/v1/query_range) needs. Experimental functions are
// taken, since the server (or Thanos, Mimir) may enable them.
func Check(query string) error {
	p := parser.NewParser(parser.Options{EnableExperimentalFunctions: true})
	expr, err := p.ParseExpr(query)
	if err != nil {
		return fmt.Errorf("%s", strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	if t := expr.Type(); t != parser.ValueTypeVector && t != parser.ValueTypeScalar {
		return fmt.Errorf("is a %s; a range query needs an instant vector or a scalar", parser.DocumentedType(t))
	}
	return nil
}
