package slack

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/slack-go/slack"

	"github.com/wattson-dev/wattson/bot"
)

// refusedTokens are auth.test's errors for a token that will never work.
func refusedTokens() []string {
	return []string{"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "not_allowed_token_type"}
}

// CheckAuth asks Slack whom the bot token belongs to (auth.test). A token
// Slack refuses gives an error wrapping bot.ErrCredentials that says what
// to fix; a Slack that cannot be reached gives another error.
func (a *Adapter) CheckAuth(ctx context.Context) error {
	res, err := a.api.AuthTestContext(ctx)
	var se slack.SlackErrorResponse
	switch {
	case errors.As(err, &se) && slices.Contains(refusedTokens(), se.Err):
		return fmt.Errorf("slack: auth.test says %s: %w; check SLACK_BOT_TOKEN (the Bot User OAuth Token, xoxb-…)", se.Err, bot.ErrCredentials)
	case err != nil:
		return fmt.Errorf("slack: auth.test: %w", err)
	}
	a.log.InfoContext(ctx, "slack credentials checked", "team", res.Team, "bot_user", res.UserID)
	return nil
}
