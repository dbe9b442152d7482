package bot_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/skills"
)

type deploysFunc func(ctx context.Context, service string, start, end time.Time) ([]skills.Deploy, error)

func (f deploysFunc) Deploys(ctx context.Context, service string, start, end time.Time) ([]skills.Deploy, error) {
	return f(ctx, service, start, end)
}

func TestDeployMarks(t *testing.T) {
	from := time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC)
	to := from.Add(24 * time.Hour)
	log := deploysFunc(func(_ context.Context, _ string, _, _ time.Time) ([]skills.Deploy, error) {
		return []skills.Deploy{
			{Time: from.Add(-time.Hour), Revision: "0000000000aaaa", Version: "v1.0.0"}, // running when the window opens
			{Time: from.Add(6 * time.Hour), Revision: "1111111111bbbb", Version: "v1.1.0"},
			{Time: from.Add(14 * time.Hour), Revision: "2222222222cccc"},
		}, nil
	})
	failing := deploysFunc(func(context.Context, string, time.Time, time.Time) ([]skills.Deploy, error) {
		return nil, errors.New("deploy log unreadable")
	})
	sources := map[string]skills.DeploySource{"checkout": log, "search": failing}
	marks := bot.DeployMarks(func(s string) skills.DeploySource { return sources[s] })
	for _, tc := range []struct {
		service string
		want    []bot.Mark
	}{
		{"checkout", []bot.Mark{{T: from.Add(6 * time.Hour), Label: "v1.1.0"}, {T: from.Add(14 * time.Hour), Label: "2222222222"}}},
		{"search", nil},
		{"unknown", nil},
	} {
		got := marks(t.Context(), tc.service, from, to)
		if len(got) != len(tc.want) {
			t.Errorf("%s: marks %v, want %v", tc.service, got, tc.want)
			continue
		}
		for i := range got {
			if !got[i].T.Equal(tc.want[i].T) || got[i].Label != tc.want[i].Label {
				t.Errorf("%s: mark %d is %v, want %v", tc.service, i, got[i], tc.want[i])
			}
		}
	}
}
