package chatsetup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/wattson-dev/wattson/bot"
)

func TestFromEnv(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want []string
	}{
		{nil, nil},
		{map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, []string{"slack"}},
		{map[string]string{"SLACK_SIGNING_SECRET": "s"}, nil},
		{map[string]string{"DISCORD_BOT_TOKEN": "d", "SLACK_BOT_TOKEN": "xoxb-1"}, []string{"slack", "discord"}},
	} {
		if got := FromEnv(func(k string) string { return tc.env[k] }); !slices.Equal(got, tc.want) {
			t.Errorf("FromEnv(%v) = %v, want %v", tc.env, got, tc.want)
		}
	}
}

func TestPlatforms(t *testing.T) {
	slackEnv := func(k string) string { return map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}[k] }
	none := func(string) string { return "" }
	for _, tc := range []struct {
		named   []string
		getenv  func(string) string
		want    []string
		fromEnv bool
	}{
		{[]string{"discord"}, slackEnv, []string{"discord"}, false}, // the config wins
		{[]string{}, slackEnv, []string{}, false},                   // named as none
		{nil, slackEnv, []string{"slack"}, true},
		{nil, none, []string{"console"}, false},
	} {
		got, fromEnv := Platforms(tc.named, tc.getenv)
		if !slices.Equal(got, tc.want) || fromEnv != tc.fromEnv {
			t.Errorf("Platforms(%v) = %v, %v; want %v, %v", tc.named, got, fromEnv, tc.want, tc.fromEnv)
		}
	}
}

func TestChecks(t *testing.T) {
	refused := fmt.Errorf("slack: auth.test says invalid_auth: %w", bot.ErrCredentials)
	unreachable := errors.New("discord: dial tcp: connection refused")
	var calls atomic.Int32
	for _, tc := range []struct {
		name           string
		slack, discord error
		wantStart      string // "" for no error
		wantReady      string
	}{
		{"both fine", nil, nil, "", ""},
		{"a refused token stops the start", refused, nil, "invalid_auth", "slack cannot post"},
		{"an unreachable platform does not", nil, unreachable, "", "discord cannot post"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c Checks
			c.Add("slack", func(context.Context) error { calls.Add(1); return tc.slack }, 0)
			c.Add("discord", func(context.Context) error { calls.Add(1); return tc.discord }, 0)
			before := calls.Load()
			err := c.AtStart(t.Context(), slog.New(slog.NewTextHandler(io.Discard, nil)))
			if (err == nil) != (tc.wantStart == "") || err != nil && !strings.Contains(err.Error(), tc.wantStart) {
				t.Errorf("AtStart: %v, want %q", err, tc.wantStart)
			}
			err = c.Ready(t.Context())
			if (err == nil) != (tc.wantReady == "") || err != nil && !strings.Contains(err.Error(), tc.wantReady) {
				t.Errorf("Ready: %v, want %q", err, tc.wantReady)
			}
			if n := calls.Load() - before; n != 2 {
				t.Errorf("%d checks for a start and a probe, want 2: a probe reuses the start's results", n)
			}
		})
	}
}
