package skills

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// DeployWindow is deploys_in_window's result: the deploy that shipped a
// change and the revision it replaced.
type DeployWindow struct {
	// From is the revision serving before the deploy; To the one deployed.
	From string `json:"from"`
	To   string `json:"to"`
	// Time and Version describe the deploy; Done is when its rollout
	// finished, when known.
	Time    time.Time `json:"time"`
	Done    time.Time `json:"done,omitzero"`
	Version string    `json:"version,omitempty"`
	// Deploys are all deploys known around the change, oldest first.
	Deploys []Deploy `json:"deploys"`
	// Timing says whether this deploy can explain the change's start.
	Timing Timing `json:"timing"`
}

type deploysArgs struct {
	Service string    `json:"service"`
	At      time.Time `json:"at"`
	// PlacementSeconds is the change point's placement error.
	PlacementSeconds float64 `json:"placement_seconds"`
}

// deploySlack allows a detected change to be stamped a little before the
// deploy that caused it (a 5-minute rate smooths the step).
const deploySlack = 10 * time.Minute

// NewDeploysInWindow returns the deploys_in_window skill over sources,
// tried in order until one answers.
func NewDeploysInWindow(sources ...DeploySource) Skill {
	info := Info{
		Name:        "deploys_in_window",
		Description: "Finds the deploy that was rolling out when a change started, and the revisions running before and after it.",
		Schema: json.RawMessage(`{"type":"object","required":["service","at"],"properties":{
"service":{"type":"string"},
"at":{"type":"string","format":"date-time","description":"when the change started"},
"placement_seconds":{"type":"number","description":"how far the change's start may be off (find_change_point's placement_seconds)"}}}`),
	}
	return New(info, func(ctx context.Context, in deploysArgs) (Output, error) {
		var errs []error
		for i, src := range sources {
			ds, err := src.Deploys(ctx, in.Service, in.At.Add(-7*24*time.Hour), in.At.Add(7*24*time.Hour))
			if err != nil {
				errs = append(errs, err)
				continue
			}
			w, err := deployAt(ds, in.At)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if w.Done.IsZero() {
				w.Done = rolloutDone(ctx, sources[i+1:], in, w.To)
			}
			w.Timing = timingOf(w, in.At, time.Duration(in.PlacementSeconds*float64(time.Second)))
			sum := fmt.Sprintf("deploy %s at %s shipped %s..%s; %s", orDash(w.Version), w.Time.Format(time.RFC3339), shortSHA(w.From), shortSHA(w.To), w.Timing.Note)
			return Output{Summary: sum, Data: w}, nil
		}
		if len(errs) == 0 {
			return Output{}, errors.New("find deploy: no deploy source configured")
		}
		return Output{}, fmt.Errorf("find deploy: %w", errors.Join(errs...))
	})
}

// rolloutDone asks the other sources (build_info, when a deploy log
// answered) when the rollout of revision finished; zero if none tells.
func rolloutDone(ctx context.Context, sources []DeploySource, in deploysArgs, revision string) time.Time {
	for _, src := range sources {
		ds, err := src.Deploys(ctx, in.Service, in.At.Add(-7*24*time.Hour), in.At.Add(7*24*time.Hour))
		if err != nil {
			continue
		}
		for _, d := range ds {
			if d.Revision == revision && !d.Done.IsZero() {
				return d.Done
			}
		}
	}
	return time.Time{}
}

// deployAt picks the last deploy that started by at (plus slack) and the
// one before it.
func deployAt(ds []Deploy, at time.Time) (DeployWindow, error) {
	ds = append([]Deploy(nil), ds...)
	sortDeploys(ds)
	i := runningAt(ds, at.Add(deploySlack))
	if i < 0 {
		return DeployWindow{}, fmt.Errorf("no deploy before %s", at.Format(time.RFC3339))
	}
	if i == 0 {
		return DeployWindow{}, fmt.Errorf("no deploy before %s %s: the revision it replaced is unknown", ds[0].Revision, ds[0].Time.Format(time.RFC3339))
	}
	return DeployWindow{From: ds[i-1].Revision, To: ds[i].Revision, Time: ds[i].Time, Done: ds[i].Done, Version: ds[i].Version, Deploys: ds}, nil
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}
