package deploys

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/skills"
)

// FromBuildInfo turns *_build_info series (one per revision, value 1 while
// it serves) into deploys: a revision's deploy time is its first sample,
// and its rollout is done when the revision it replaced last served (if
// that is after the deploy began and before the next one). Series without
// a revision label are ignored.
func FromBuildInfo(series []detector.Series) []skills.Deploy {
	first := map[string]skills.Deploy{}
	last := map[string]int64{}
	for _, s := range series {
		rev := s.Labels["revision"]
		if rev == "" || !shaRE.MatchString(rev) {
			continue
		}
		for i, t := range s.Times {
			if s.Values[i] <= 0 {
				continue
			}
			if d, seen := first[rev]; !seen || t < d.Time.Unix() {
				first[rev] = skills.Deploy{Time: time.Unix(t, 0).UTC(), Revision: rev, Version: s.Labels["version"]}
			}
			last[rev] = max(last[rev], t)
		}
	}
	out := make([]skills.Deploy, 0, len(first))
	for _, d := range first {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	for i := 1; i < len(out); i++ {
		prev := time.Unix(last[out[i-1].Revision], 0).UTC()
		if prev.After(out[i].Time) && (i+1 == len(out) || prev.Before(out[i+1].Time)) {
			out[i].Done = prev
		}
	}
	return out
}

// BuildInfo is a deploy source over a service's <service>_build_info series.
type BuildInfo struct {
	src skills.SeriesSource
}

var _ skills.DeploySource = (*BuildInfo)(nil)

// NewBuildInfo returns a deploy source reading build_info series from src.
func NewBuildInfo(src skills.SeriesSource) *BuildInfo {
	return &BuildInfo{src: src}
}

// buildInfoBefore is how far before the asked window build_info is read,
// to find the revision that was serving when the window opened. A revision
// older than that shows as deployed at the start of the read range.
const buildInfoBefore = 7 * 24 * time.Hour

// Deploys reads <service>_build_info (dashes become underscores) from
// buildInfoBefore ahead of start up to end; a zero start reads the
// buildInfoBefore before end. The range stays bounded, as a metric store
// answers a range query at a bounded number of points.
func (b *BuildInfo) Deploys(ctx context.Context, service string, start, end time.Time) ([]skills.Deploy, error) {
	metric := strings.ReplaceAll(service, "-", "_") + "_build_info"
	from := start
	if from.IsZero() {
		from = end
	}
	ss, err := b.src.Series(ctx, metric, service, from.Add(-buildInfoBefore), end)
	if err != nil {
		return nil, fmt.Errorf("read build info: %w", err)
	}
	ds := FromBuildInfo(ss)
	if len(ds) == 0 {
		return nil, fmt.Errorf("read build info %s: no series with a revision label: %w", metric, ErrEmpty)
	}
	return window(ds, start, end), nil
}
