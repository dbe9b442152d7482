package test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"
)

// uxSlackAuth is a fake Slack whose auth.test answers answer: "" ok,
// "http500" an HTTP 500, anything else {ok: false, error: answer}.
func uxSlackAuth(t *testing.T, answer string) string {
	t.Helper()
	srv := slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/auth.test", func(w http.ResponseWriter, _ *http.Request) {
			switch answer {
			case "":
				writeJSON(w, map[string]any{"ok": true, "team": "Shop", "user_id": "UBOT"})
			case "http500":
				w.WriteHeader(http.StatusInternalServerError)
			default:
				writeJSON(w, map[string]any{"ok": false, "error": answer})
			}
		})
	})
	srv.Start()
	t.Cleanup(srv.Stop)
	return srv.GetAPIURL()
}

// TestUxSetupFromEnv: someone sets the Slack app's two secrets and runs
// `wattson serve` with no config. Slack is enabled (and the log says why),
// /slack/commands answers and /readyz is ready. A revoked token stops the
// start with what to fix; a Slack that cannot be reached does not, but
// /readyz says the platform cannot post; a token without its signing
// secret is refused naming the missing variable.
func TestUxSetupFromEnv(t *testing.T) {
	t.Parallel()
	secrets := func(api string) []string {
		return []string{"SLACK_BOT_TOKEN=xoxb-e2e", "SLACK_SIGNING_SECRET=" + signingSecret, "SLACK_API_URL=" + api, "WATTSON_DATA_DIR=" + t.TempDir()}
	}

	s := startServe(t, secrets(uxSlackAuth(t, "")))
	if log := s.stderr.String(); !strings.Contains(log, "enabled by their credentials in the environment") || !strings.Contains(log, "platforms=[slack]") {
		t.Errorf("the log does not say Slack was enabled from the environment:\n%s", log)
	}
	help := signedRequest("/slack/commands", slashCommand("UALICE", "help").Encode(), time.Now())
	if code, body := help.send(t, s); code != http.StatusOK || !strings.Contains(body, "/wattson") {
		t.Errorf("/slack/commands: %d %q, want the help", code, body)
	}
	if code, body := s.get(t, "/readyz"); code != http.StatusOK {
		t.Errorf("/readyz: %d %q, want ready", code, body)
	}

	r := wattson(t, secrets(uxSlackAuth(t, "invalid_auth")), "serve", "--listen", "127.0.0.1:0")
	if r.code != 1 || !strings.Contains(r.stderr, "invalid_auth") || !strings.Contains(r.stderr, "SLACK_BOT_TOKEN") {
		t.Errorf("a refused token: exit %d, %q; want 1 naming invalid_auth and SLACK_BOT_TOKEN", r.code, r.stderr)
	}

	down := startServe(t, secrets(uxSlackAuth(t, "http500")))
	if code, body := down.get(t, "/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with Slack failing auth.test: %d %q, want 503", code, body)
	}
	if code, _ := down.get(t, "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz: %d, want the process alive", code)
	}

	r = wattson(t, []string{"SLACK_BOT_TOKEN=xoxb-e2e", "WATTSON_DATA_DIR=" + t.TempDir()}, "serve", "--listen", "127.0.0.1:0")
	if r.code == 0 || !strings.Contains(r.stderr, "SLACK_SIGNING_SECRET") {
		t.Errorf("a token without its signing secret: exit %d, %q; want a failure naming SLACK_SIGNING_SECRET", r.code, r.stderr)
	}
}
