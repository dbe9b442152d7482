package skills

import (
	"context"
	"encoding/json"
	"fmt"
)

// NewRankSuspects returns the rank_suspects skill over host.
func NewRankSuspects(host CodeHost) Skill {
	info := Info{
		Name:        "rank_suspects",
		Description: "Ranks a deploy's commits by how much of the profile's new CPU cost sits on lines they wrote, and gives a verdict: culprit, inconclusive or no_culprit.",
		Schema: json.RawMessage(`{"type":"object","required":["from","to","profiles"],"properties":{
"from":{"type":"string","description":"revision serving before the deploy"},
"to":{"type":"string","description":"revision deployed"},
"deploys":{"type":"array","description":"deploys around the change, to know which revision the after profile ran"},
"timing":{"type":"object","description":"deploys_in_window's timing: a deploy that cannot explain the change's start gets no culprit"},
"profiles":{"type":"object","description":"profile_diff's output"},
"function":{"type":"string","description":"a function the detector found slower in the service's profiles over time"}}}`),
	}
	return New(info, func(ctx context.Context, in RankInput) (Output, error) {
		r, err := Rank(ctx, host, in)
		if err != nil {
			return Output{}, err
		}
		sum := string(r.Verdict) + ": " + r.Reason
		if len(r.Suspects) > 0 && r.Verdict != VerdictNoCulprit {
			s := r.Suspects[0]
			sum = fmt.Sprintf("%s: %s %q by %s (score %.2f) — %s", r.Verdict, shortSHA(s.Commit), s.Title, s.Author, s.Score, r.Reason)
		}
		return Output{Summary: sum, Data: r}, nil
	})
}
