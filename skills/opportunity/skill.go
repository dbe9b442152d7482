package opportunity

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/wattson-dev/wattson/skills"
)

// Result is find_opportunities' output.
type Result struct {
	// Service is the service scanned.
	Service string `json:"service"`
	// Findings are ranked by savings, largest first.
	Findings []Finding `json:"findings"`
	// Cores and Watts add up what fixing them all would save.
	Cores float64 `json:"cores"`
	Watts float64 `json:"watts"`
}

type findArgs struct {
	Service string `json:"service"`
	Limit   int    `json:"limit"`
}

// NewSkill returns the find_opportunities skill over sc.
func NewSkill(sc *Scanner) skills.Skill {
	info := skills.Info{
		Name:        "find_opportunities",
		Description: "Scans a service's recent CPU (and mutex/block) profiles for known inefficiency patterns in hot code and ranks them by the cores and watts a fix would save.",
		Schema: json.RawMessage(`{"type":"object","required":["service"],"properties":{
"service":{"type":"string","description":"service name (profiles/<service>/)"},
"limit":{"type":"integer","description":"keep only the top findings; default 10"}}}`),
	}
	return skills.New(info, func(ctx context.Context, in findArgs) (skills.Output, error) {
		fs, err := sc.Scan(ctx, in.Service)
		if err != nil {
			return skills.Output{}, err
		}
		if in.Limit <= 0 {
			in.Limit = 10
		}
		if len(fs) > in.Limit {
			fs = fs[:in.Limit]
		}
		res := Result{Service: in.Service, Findings: fs}
		for _, f := range fs {
			res.Cores += f.Cores
			res.Watts += f.Watts
		}
		return skills.Output{Summary: Summarize(res), Data: res}, nil
	})
}

// Summarize is a one-line account of a scan.
func Summarize(r Result) string {
	if len(r.Findings) == 0 {
		return "no known inefficiency pattern in " + r.Service + "'s hot code"
	}
	parts := make([]string, 0, 3)
	for i, f := range r.Findings {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("%d more", len(r.Findings)-3))
			break
		}
		parts = append(parts, fmt.Sprintf("%s in %s (%.1f%% CPU)", f.Title, f.Function, 100*f.Share))
	}
	return fmt.Sprintf("%d opportunities, %.2f cores ≈ %.0f W: %s", len(r.Findings), r.Cores, r.Watts, strings.Join(parts, ", "))
}
