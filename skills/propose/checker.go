package propose

import (
	"context"
	"fmt"
	"time"

	"github.com/wattson-dev/wattson/skills"
)

// Sources are where one service's recovery is checked: its metrics and its
// deploys (nil: the merge time stands in for the deploy).
type Sources struct {
	Series  skills.SeriesSource
	Deploys skills.DeploySource
}

// Checker checks recoveries over each service's sources, built once at
// start-up. It is safe for concurrent use when its sources are.
type Checker struct {
	// Services are the sources by service; Fallback those of a service
	// not listed.
	Services map[string]Sources
	Fallback Sources
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Check verifies c on its service's sources (see Verify) and returns the
// recovery with the sentence that says what was seen, the deploy's time
// included.
func (k *Checker) Check(ctx context.Context, c Check) (Recovery, string, error) {
	src, ok := k.Services[c.Service]
	if !ok {
		src = k.Fallback
	}
	if src.Series == nil {
		return Recovery{}, "", fmt.Errorf("no metrics configured for service %q", c.Service)
	}
	now := time.Now
	if k.Now != nil {
		now = k.Now
	}
	rec, err := Verify(ctx, src.Series, src.Deploys, c, now())
	if err != nil {
		return Recovery{}, "", err
	}
	return rec, Summary(rec, c) + " (deploy at " + rec.Deploy.UTC().Format(time.RFC3339) + ")", nil
}
