package discord

import (
	"context"
	"errors"
	"net"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/wattson-dev/wattson/bot/outbox"
)

// newOutbox returns the adapter's outbox: one call at a time per channel,
// in order, 429s waited out for their retry_after, 5xx and network failures
// retried. Within a call, discordgo's rate limiter keeps the per-route
// buckets from the X-RateLimit headers and waits before a bucket would run
// dry; calls must not retry rate limits themselves
// (discordgo.WithRetryOnRatelimit(false)).
func newOutbox(retried func()) *outbox.Outbox {
	return outbox.New(0, 50*time.Millisecond, classify, retried)
}

// classify says what a discordgo error means for the outbox.
func classify(err error) outbox.Verdict {
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) {
		v := outbox.Verdict{RateLimited: true}
		if rl.TooManyRequests != nil {
			v.Wait = rl.RetryAfter
		}
		return v
	}
	var re *discordgo.RESTError
	if errors.As(err, &re) {
		return outbox.Verdict{Transient: re.Response != nil && re.Response.StatusCode >= 500}
	}
	if strings.HasPrefix(err.Error(), "Exceeded Max retries HTTP 5") { // discordgo's 502 retries ran out
		return outbox.Verdict{Transient: true}
	}
	var ne net.Error
	return outbox.Verdict{Transient: errors.As(err, &ne)}
}

// restCode returns Discord's JSON error code of a REST error, or 0.
func restCode(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Message != nil {
		return re.Message.Code
	}
	return 0
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
