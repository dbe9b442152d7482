package slack

import (
	"errors"
	"net"
	"time"

	"github.com/slack-go/slack"

	"github.com/wattson-dev/wattson/bot/outbox"
)

// newOutbox returns the adapter's outbox: at most one call per channel per
// interval, 429s waited out for their Retry-After (at least a second), 5xx
// and network failures retried.
func newOutbox(interval time.Duration, retried func()) *outbox.Outbox {
	return outbox.New(interval, time.Second, classify, retried)
}

// classify says what a slack-go error means for the outbox.
func classify(err error) outbox.Verdict {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return outbox.Verdict{RateLimited: true, Wait: rl.RetryAfter}
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return outbox.Verdict{Transient: sc.Code >= 500}
	}
	var ne net.Error
	return outbox.Verdict{Transient: errors.As(err, &ne)}
}
