package promql

import (
	"strings"
	"testing"
)

var cases = []struct{ query, want string }{
	{"up", ""},
	{"sum by (service) (rate(process_cpu_seconds_total[5m])) / sum by (service) (rate(http_requests_total[5m]))", ""},
	{`histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="api"}[5m])))`, ""},
	{`{"my.metric", env="prod"}`, ""},
	{"1 + 2", ""},
	{"sum(rate(x[5m])", "unclosed left parenthesis"},
	{`up{job="a}`, "unterminated quoted string"},
	{"rate(x[5m]) by (job)", "unexpected <by>"},
	{"rate(x)", "range vector"},
	{"no_such_function(x)", "unknown function"},
	{"x[5m]", "range vector"},
	{`"text"`, "string"},
	{"", "no expression"},
	{"sum(x) ) (", "unexpected"},
}

func TestCheck(t *testing.T) {
	for _, tt := range cases {
		err := Check(tt.query)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("Check(%q) = %v, want nil", tt.query, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("Check(%q) = %v, want an error mentioning %q", tt.query, err, tt.want)
		case err != nil && strings.Contains(err.Error(), "\n"):
			t.Errorf("Check(%q) = %q, want one line", tt.query, err)
		}
	}
}

func FuzzCheck(f *testing.F) {
	for _, tt := range cases {
		f.Add(tt.query)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if err := Check(q); err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("Check(%q) = %q, want one line", q, err)
		}
	})
}
