package skills

import (
	"context"
	"sort"
	"time"
)

// Deploy is one production rollout of a revision.
type Deploy struct {
	// Time is when the rollout started.
	Time time.Time `json:"time"`
	// Revision is the full commit sha deployed.
	Revision string `json:"revision"`
	// Version is the human version, e.g. "v1.5.0-1-g3e7ad43".
	Version string `json:"version,omitempty"`
	// Environment is e.g. "production".
	Environment string `json:"environment,omitempty"`
	// Done is when the rollout finished (the replaced revision stopped
	// serving), when the source knows; zero otherwise.
	Done time.Time `json:"done,omitzero"`
}

// DeploySource tells which revisions of a service ran when.
type DeploySource interface {
	// Deploys returns the service's deploys that started before end,
	// oldest first, including the last one before start (the revision
	// running when the window opens).
	Deploys(ctx context.Context, service string, start, end time.Time) ([]Deploy, error)
}

// sortDeploys orders deploys by time, oldest first.
func sortDeploys(ds []Deploy) {
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].Time.Before(ds[j].Time) })
}

// runningAt returns the index of the deploy serving at t: the last one
// that started at or before t; -1 if none did.
func runningAt(ds []Deploy, t time.Time) int {
	idx := -1
	for i, d := range ds {
		if !d.Time.After(t) {
			idx = i
		}
	}
	return idx
}
