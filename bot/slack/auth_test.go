package slack

import (
	"errors"
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/bot"
)

func TestCheckAuth(t *testing.T) {
	for _, tc := range []struct {
		answer    string
		refused   bool
		wantInErr string
	}{
		{"", false, ""},
		{"invalid_auth", true, "SLACK_BOT_TOKEN"},
		{"token_revoked", true, "token_revoked"},
		{"http500", false, "auth.test"},
		{"ratelimited", false, "ratelimited"},
	} {
		t.Run(tc.answer, func(t *testing.T) {
			e := newEnv(t, 0)
			e.rec.mu.Lock()
			e.rec.authErr = tc.answer
			e.rec.mu.Unlock()
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
