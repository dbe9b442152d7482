package discord

import (
	"errors"
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/bot"
)

func TestCheckAuth(t *testing.T) {
	for _, tc := range []struct {
		app       string // what GET /applications/@me answers
		refused   bool
		wantInErr string
	}{
		{"", false, ""},
		{"401", true, "DISCORD_BOT_TOKEN"},
		{"888", true, "DISCORD_APPLICATION_ID"}, // the token of another application
		{"503", false, "applications/@me"},
	} {
		t.Run(tc.app, func(t *testing.T) {
			e := newEnv(t, 0, nil)
			e.fake.mu.Lock()
			e.fake.app = tc.app
			e.fake.mu.Unlock()
			err := e.adapter.CheckAuth(t.Context())
			if tc.wantInErr == "" {
				if err != nil {
					t.Fatalf("CheckAuth: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantInErr) {
				t.Fatalf("CheckAuth: %v, want an error saying %q", err, tc.wantInErr)
			}
			if got := errors.Is(err, bot.ErrCredentials); got != tc.refused {
				t.Errorf("CheckAuth: %v; credentials refused %v, want %v", err, got, tc.refused)
			}
		})
	}
}
