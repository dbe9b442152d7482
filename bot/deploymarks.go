package bot

import (
	"context"
	"time"

	"github.com/wattson-dev/wattson/skills"
)

// DeployMarks returns Options.Deploys over the deploy source of each
// service (by name; nil marks none for that service): its deploys in the
// window, labelled with their version, or the short commit id when they
// have none. The last deploy before the window, which deploy sources also
// return, is left out: it is not on the chart. A source that fails marks
// nothing.
func DeployMarks(of func(service string) skills.DeploySource) func(ctx context.Context, service string, from, to time.Time) []Mark {
	return func(ctx context.Context, service string, from, to time.Time) []Mark {
		src := of(service)
		if src == nil {
			return nil
		}
		ds, err := src.Deploys(ctx, service, from, to)
		if err != nil {
			return nil
		}
		var marks []Mark
		for _, d := range ds {
			if d.Time.Before(from) || d.Time.After(to) {
				continue
			}
			label := d.Version
			if label == "" {
				label = Short(d.Revision)
			}
			marks = append(marks, Mark{T: d.Time, Label: label})
		}
		return marks
	}
}
