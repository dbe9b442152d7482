package slack

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// Group membership decides approvals, so the cache fails closed.
const (
	// groupsTTL is the most a listing of the user groups is trusted for.
	groupsTTL = time.Minute
	// groupsRetry is how long a failed listing is answered from memory
	// before Slack is asked again.
	groupsRetry = 10 * time.Second
)

// groupCache knows which user groups each user is in, for approver rules
// that name groups. What it answers is never older than ttl: once the last
// listing is that old, the workspace's groups are listed again. A failed
// listing forgets what was known — a replica must not approve on
// membership it can no longer check — and is answered with its error, not
// retried, for retry, so that a failing API is not hammered.
type groupCache struct {
	list  func(context.Context) ([]slack.UserGroup, error)
	now   func() time.Time
	ttl   time.Duration
	retry time.Duration

	mu      sync.Mutex
	byUser  map[string][]string // nil when unknown
	fetched time.Time           // when byUser was listed
	err     error               // why the last listing failed, if it did
	failed  time.Time           // and when
}

// newGroupCache builds a cache that lists the groups with list, against
// the clock now.
func newGroupCache(list func(context.Context) ([]slack.UserGroup, error), now func() time.Time, ttl, retry time.Duration) *groupCache {
	return &groupCache{list: list, now: now, ttl: ttl, retry: retry}
}

// listUserGroups lists the workspace's user groups with their members
// through api.
func listUserGroups(api *slack.Client) func(context.Context) ([]slack.UserGroup, error) {
	return func(ctx context.Context) ([]slack.UserGroup, error) {
		return api.GetUserGroupsContext(ctx, slack.GetUserGroupsOptionIncludeUsers(true))
	}
}

// of returns the ids of the user groups user is in, as listed at most ttl
// ago. When they cannot be listed (such as for a missing usergroups:read
// scope) it returns no groups and the error.
func (g *groupCache) of(ctx context.Context, user string) ([]string, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	if g.byUser != nil && within(now, g.fetched, g.ttl) {
		return slices.Clone(g.byUser[user]), nil
	}
	if g.err != nil && within(now, g.failed, g.retry) {
		return nil, g.err
	}
	groups, err := g.list(ctx)
	if err != nil {
		g.byUser, g.err, g.failed = nil, err, now
		return nil, err
	}
	by := map[string][]string{}
	for _, grp := range groups {
		for _, u := range grp.Users {
			by[u] = append(by[u], grp.ID)
		}
	}
	g.byUser, g.fetched, g.err = by, now, nil
	return slices.Clone(by[user]), nil
}

// within reports whether now is less than d after since (and not before
// it: a clock set back does not extend a listing's life).
func within(now, since time.Time, d time.Duration) bool {
	age := now.Sub(since)
	return age >= 0 && age < d
}

// groupsErrText says why groups could not be listed, in words for the
// chat user; the error itself goes to the log.
func groupsErrText(err error) string {
	var slackErr slack.SlackErrorResponse
	var limited *slack.RateLimitedError
	switch {
	case errors.As(err, &slackErr) && slackErr.Err != "":
		return "Slack said " + slackErr.Err
	case errors.As(err, &limited):
		return "Slack asked me to slow down"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return "Slack did not answer in time"
	}
	return "the lookup failed"
}
