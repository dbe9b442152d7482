package slack

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// groupCache knows which user groups each user is in, for approver rules
// that name groups. It lists the workspace's groups at most once per ttl.
type groupCache struct {
	api *slack.Client
	ttl time.Duration

	mu      sync.Mutex
	fetched time.Time
	byUser  map[string][]string
}

func newGroupCache(api *slack.Client, ttl time.Duration) *groupCache {
	return &groupCache{api: api, ttl: ttl}
}

// of returns the ids of the user groups user is in. On failure (such as a
// missing usergroups:read scope) it returns the last known groups and the
// error.
func (g *groupCache) of(ctx context.Context, user string) ([]string, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.byUser == nil || time.Since(g.fetched) > g.ttl {
		groups, err := g.api.GetUserGroupsContext(ctx, slack.GetUserGroupsOptionIncludeUsers(true))
		if err != nil {
			g.fetched = time.Now() // do not hammer a failing API
			return slices.Clone(g.byUser[user]), err
		}
		by := map[string][]string{}
		for _, grp := range groups {
			for _, u := range grp.Users {
				by[u] = append(by[u], grp.ID)
			}
		}
		g.byUser, g.fetched = by, time.Now()
	}
	return slices.Clone(g.byUser[user]), nil
}
