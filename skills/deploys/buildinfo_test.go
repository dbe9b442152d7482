package deploys

import (
	"context"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/detector"
)

// rangeSource records the range it is asked for and serves one revision.
type rangeSource struct{ start, end time.Time }

func (s *rangeSource) Series(_ context.Context, _, _ string, start, end time.Time) ([]detector.Series, error) {
	s.start, s.end = start, end
	return []detector.Series{{Labels: map[string]string{"revision": "aaaaaaa"}, Times: []int64{start.Unix()}, Values: []float64{1}}}, nil
}

func TestBuildInfoReadsABoundedRange(t *testing.T) {
	at := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		start, end time.Time
		wantStart  time.Time
	}{
		{"window", at.Add(-7 * 24 * time.Hour), at.Add(7 * 24 * time.Hour), at.Add(-14 * 24 * time.Hour)},
		{"open start", time.Time{}, at, at.Add(-buildInfoBefore)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &rangeSource{}
			if _, err := NewBuildInfo(src).Deploys(context.Background(), "checkout", tt.start, tt.end); err != nil {
				t.Fatal(err)
			}
			if !src.start.Equal(tt.wantStart) || !src.end.Equal(tt.end) {
				t.Errorf("read [%v, %v], want [%v, %v]", src.start, src.end, tt.wantStart, tt.end)
			}
		})
	}
}
