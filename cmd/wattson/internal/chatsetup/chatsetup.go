// Package chatsetup makes the chat set-up explain itself: which platforms
// the credentials in the environment enable when the config names none,
// and whether each enabled platform's credentials work — checked once at
// start, where a refusal stops Wattson with what to fix, and again for
// /readyz, which reports a platform that cannot post.
package chatsetup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/wattson-dev/wattson/bot"
)

// FromEnv returns the platforms whose bot token is in the environment
// (SLACK_BOT_TOKEN, DISCORD_BOT_TOKEN), in that order; none when neither
// is set. The rest of a platform's settings are then checked like a
// configured platform's, so a missing signing secret is named.
func FromEnv(getenv func(string) string) []string {
	var out []string
	if getenv("SLACK_BOT_TOKEN") != "" {
		out = append(out, "slack")
	}
	if getenv("DISCORD_BOT_TOKEN") != "" {
		out = append(out, "discord")
	}
	return out
}

// Platforms returns the chat platforms to enable: named, when the config
// names any (nil: it names none); else those FromEnv finds, fromEnv
// true; else the console.
func Platforms(named []string, getenv func(string) string) (platforms []string, fromEnv bool) {
	if named != nil {
		return named, false
	}
	if env := FromEnv(getenv); len(env) > 0 {
		return env, true
	}
	return []string{"console"}, false
}

// Checks are the credential checks of the enabled platforms, by platform.
type Checks struct {
	ready map[string]*bot.Readiness
	order []string
}

// Add adds platform's check (Slack's auth.test, Discord's application
// lookup), remembered for ttl between /readyz probes.
func (c *Checks) Add(platform string, check func(context.Context) error, ttl time.Duration) {
	if c.ready == nil {
		c.ready = map[string]*bot.Readiness{}
	}
	c.ready[platform] = &bot.Readiness{Check: check, TTL: ttl}
	c.order = append(c.order, platform)
}

// AtStart runs every check. A platform that refuses its credentials
// (bot.ErrCredentials) is returned as the error, saying what to fix; one
// that cannot be reached is logged and left to /readyz and to later
// posts.
func (c *Checks) AtStart(ctx context.Context, log *slog.Logger) error {
	var refused []error
	for _, p := range c.order {
		err := c.ready[p].Ready(ctx)
		switch {
		case errors.Is(err, bot.ErrCredentials):
			refused = append(refused, err)
		case err != nil:
			log.WarnContext(ctx, "chat platform not reachable at start", "platform", p, "err", err)
		}
	}
	if len(refused) > 0 {
		return fmt.Errorf("check chat credentials: %w", errors.Join(refused...))
	}
	return nil
}

// Ready reports the first platform that cannot post, for /readyz.
func (c *Checks) Ready(ctx context.Context) error {
	for _, p := range c.order {
		if err := c.ready[p].Ready(ctx); err != nil {
			return fmt.Errorf("%s cannot post: %w", p, err)
		}
	}
	return nil
}
