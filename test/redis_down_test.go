package test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRedisGoesDown: two replicas answer Slack on a shared redis-server,
// which then dies. A signed command still gets its 200 and a plain "the
// storage is unavailable" (not a 500, not an internal error), and a replay
// of that request is still refused, from the replica's memory.
func TestRedisGoesDown(t *testing.T) {
	t.Parallel()
	slack := newFakeSlack(t)
	redisURL, stopRedis := startStoppableRedis(t)
	cfg := "chat:\n  platforms: [slack]\nslack:\n  api_url: " + slack.srv.GetAPIURL() + "\n"
	path := filepath.Join(t.TempDir(), "wattson.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"SLACK_BOT_TOKEN=xoxb-e2e", "SLACK_SIGNING_SECRET=" + signingSecret, "WATTSON_REDIS_URL=" + redisURL}
	s := startServe(t, env, "--config", path)
	if code, body := slackRequest(t, s, "/slack/commands", slashCommand("UBOB", "list"), signingSecret, time.Now()); code != http.StatusOK || !strings.Contains(body, "Nothing open") {
		t.Fatalf("list with the store up: %d %s", code, body)
	}

	stopRedis()
	form, at := slashCommand("UALICE", "dismiss R-1"), time.Now()
	code, body := slackRequest(t, s, "/slack/commands", form, signingSecret, at)
	if code != http.StatusOK || !strings.Contains(body, "storage is unavailable") || strings.Contains(body, "internal error") {
		t.Errorf("a command with the store down: %d %q, want 200 and a plain note that the storage is unavailable", code, body)
	}
	if code, body := slackRequest(t, s, "/slack/commands", form, signingSecret, at); code != http.StatusUnauthorized {
		t.Errorf("a replay with the store down: %d %q, want 401", code, body)
	}
	if strings.Contains(s.stderr.String(), "panic") {
		t.Errorf("serve panicked:\n%s", s.stderr)
	}
}
