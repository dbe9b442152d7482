package promql

import (
	"testing"
)

func TestShardOf(t *testing.T) {
	tests := []struct {
		query, selector string
		ok              bool
	}{
		{`cpu{service="checkout"}`, `cpu{service="checkout"}`, true},
		{`rate(cpu_seconds_total{job="api"}[5m]) * 100`, `cpu_seconds_total{job="api"}`, true},
		{`cpu offset 1h`, `cpu`, true},
		{`sum by (service) (cpu)`, "", false},
		{`a / b`, "", false},
		{`1`, "", false},
		{`cpu{`, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			s, ok := ShardOf(tt.query)
			if ok != tt.ok {
				t.Fatalf("ShardOf ok = %v, want %v", ok, tt.ok)
			}
			if ok && s.Selector() != tt.selector {
				t.Errorf("Selector() = %q, want %q", s.Selector(), tt.selector)
			}
		})
	}
}

func TestRestrict(t *testing.T) {
	s, ok := ShardOf(`rate(cpu{service="checkout"}[5m])`)
	if !ok {
		t.Fatal("not shardable")
	}
	got := s.Restrict("instance", []string{"a.b:9090", "c|d", ""})
	want := `rate(cpu{instance=~"a\\.b:9090|c\\|d|",service="checkout"}[5m])`
	if got != want {
		t.Errorf("Restrict = %s\nwant       %s", got, want)
	}
	if err := Check(got); err != nil {
		t.Errorf("restricted query does not parse: %v", err)
	}
	if again := s.Restrict("pod", []string{"x"}); again != `rate(cpu{pod=~"x",service="checkout"}[5m])` {
		t.Errorf("second Restrict kept the first matcher: %s", again)
	}
}
