package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/store"
)

// TestGroupLookupFailureRefusesGroupApproval makes usergroups.list fail:
// a member of an approver group is refused, told why, and nothing changes
// — also on a replica that listed the groups successfully a minute ago.
func TestGroupLookupFailureRefusesGroupApproval(t *testing.T) {
	for _, tc := range []struct {
		name       string
		cachedOnce bool
	}{
		{"never listed", false},
		{"listed a minute ago", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, 0)
			r, _, err := e.bot.Alert(t.Context(), bot.AlertInput{Regression: testRegression()})
			if err != nil {
				t.Fatal(err)
			}
			command := func(text string) string {
				t.Helper()
				code, answer := do(t, signed(t, e.url+"/slack/commands", commandBody(e, "UBOB", text), testSecret, time.Now()))
				if code != http.StatusOK {
					t.Fatalf("%s: %d", text, code)
				}
				return answer
			}
			if tc.cachedOnce {
				command("dismiss R-99 noise") // a decision: the groups are listed, and kept
				if n := len(e.rec.callsOf("usergroups.list")); n != 1 {
					t.Fatalf("usergroups.list called %d times, want 1", n)
				}
				e.clock.Add(61 * time.Second)
			}
			e.rec.mu.Lock()
			e.rec.groupsErr = "missing_scope"
			e.rec.mu.Unlock()
			answer := command("dismiss " + r.ID + " noise")
			if !strings.Contains(answer, "can't dismiss "+r.ID+": I could not check your user groups (Slack said missing_scope); try again in a minute.") {
				t.Errorf("group member while the lookup fails got %s", answer)
			}
			if got, _ := e.st.GetRegression(t.Context(), r.ID); got.Status != store.RegressionOpen {
				t.Errorf("refused dismiss changed the status to %s", got.Status)
			}
			assertLastAudit(t, e, r.ID, "dismiss", "UBOB", false)
		})
	}
}

// TestGroupCacheAge drives the cache with a fake clock and a fake listing:
// membership it answers with is never older than the TTL, a failed listing
// gives no groups (not the last known ones) and is not retried at once.
func TestGroupCacheAge(t *testing.T) {
	var (
		now     = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		members = []string{"UBOB"}
		fail    error
		lists   int
	)
	g := newGroupCache(func(context.Context) ([]slack.UserGroup, error) {
		lists++
		if fail != nil {
			return nil, fail
		}
		return []slack.UserGroup{{ID: "SPERF", Users: members}}, nil
	}, func() time.Time { return now }, groupsTTL, groupsRetry)
	steps := []struct {
		name      string
		advance   time.Duration
		members   []string
		fail      error
		want      []string
		wantErr   bool
		wantLists int
	}{
		{"first lookup lists", 0, []string{"UBOB"}, nil, []string{"SPERF"}, false, 1},
		{"59 s later: cached", 59 * time.Second, nil, nil, []string{"SPERF"}, false, 1},
		{"60 s after listing: listed again, UBOB removed", time.Second, []string{"UCAROL"}, nil, nil, false, 2},
		{"UBOB re-added, listed a minute later", time.Minute, []string{"UBOB"}, nil, []string{"SPERF"}, false, 3},
		{"listing fails a minute later: no groups", time.Minute, nil, errors.New("ratelimited"), nil, true, 4},
		{"within the retry pause: the same error, no call", 5 * time.Second, nil, nil, nil, true, 4},
		{"after the pause, still failing", groupsRetry, nil, errors.New("ratelimited"), nil, true, 5},
		{"Slack back", groupsRetry, []string{"UBOB"}, nil, []string{"SPERF"}, false, 6},
		{"clock set back an hour: listed again", -time.Hour, []string{"UBOB"}, nil, []string{"SPERF"}, false, 7},
	}
	for _, s := range steps {
		now = now.Add(s.advance)
		if s.members != nil {
			members = s.members
		}
		fail = s.fail
		got, err := g.of(t.Context(), "UBOB")
		if !slices.Equal(got, s.want) || (err != nil) != s.wantErr || lists != s.wantLists {
			t.Fatalf("%s: of = %v, %v after %d listings; want %v, error %v, %d listings", s.name, got, err, lists, s.want, s.wantErr, s.wantLists)
		}
	}
}

func TestGroupsErrText(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{slack.SlackErrorResponse{Err: "missing_scope"}, "Slack said missing_scope"},
		{fmt.Errorf("list: %w", &slack.RateLimitedError{RetryAfter: time.Second}), "Slack asked me to slow down"},
		{fmt.Errorf("post: %w", context.DeadlineExceeded), "Slack did not answer in time"},
		{errors.New("dial tcp 10.0.0.1:443: connection refused"), "the lookup failed"},
	} {
		if got := groupsErrText(tc.err); got != tc.want {
			t.Errorf("groupsErrText(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
