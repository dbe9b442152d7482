package discord

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// outbox sends to Discord one call at a time per channel, in the order the
// calls were made, waiting out 429 answers for their retry_after and
// retrying transient failures. Nothing queued is dropped: a call returns
// only once Discord accepted it, failed for good, or ctx ended. Within a
// call, discordgo's rate limiter keeps the per-route buckets from the
// X-RateLimit headers and waits before a bucket would run dry.
type outbox struct {
	retried func() // counts a retry, for metrics

	mu    sync.Mutex
	lanes map[string]*lane
}

// lane is one channel's FIFO of waiting calls.
type lane struct {
	busy    bool
	waiting []chan struct{}
	users   int // callers holding or waiting for the lane
}

func newOutbox(retried func()) *outbox {
	return &outbox{retried: retried, lanes: map[string]*lane{}}
}

// maxTransientRetries bounds retries of errors other than rate limits.
const maxTransientRetries = 5

// do runs call for channel when the channel's turn comes. call must not
// retry rate limits itself (discordgo.WithRetryOnRatelimit(false)).
func (o *outbox) do(ctx context.Context, channel string, call func(context.Context) error) error {
	l, err := o.acquire(ctx, channel)
	if err != nil {
		return err
	}
	defer o.release(channel, l)
	backoff := 200 * time.Millisecond
	transient := 0
	for {
		err := call(ctx)
		var rl *discordgo.RateLimitError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &rl):
			o.retried()
			wait := 50 * time.Millisecond
			if rl.TooManyRequests != nil {
				wait = max(rl.RetryAfter, wait)
			}
			if err := sleep(ctx, wait); err != nil {
				return err
			}
		case transient < maxTransientRetries && isTransient(err):
			transient++
			o.retried()
			if err := sleep(ctx, backoff); err != nil {
				return err
			}
			backoff *= 2
		default:
			return err
		}
	}
}

// acquire waits for the channel's lane, first come first served.
func (o *outbox) acquire(ctx context.Context, channel string) (*lane, error) {
	o.mu.Lock()
	l := o.lanes[channel]
	if l == nil {
		l = &lane{}
		o.lanes[channel] = l
	}
	l.users++
	if !l.busy {
		l.busy = true
		o.mu.Unlock()
		return l, nil
	}
	turn := make(chan struct{})
	l.waiting = append(l.waiting, turn)
	o.mu.Unlock()
	select {
	case <-turn:
		return l, nil
	case <-ctx.Done():
		o.mu.Lock()
		for i, w := range l.waiting {
			if w == turn {
				l.waiting = append(l.waiting[:i], l.waiting[i+1:]...)
				l.users--
				o.mu.Unlock()
				return nil, ctx.Err()
			}
		}
		o.mu.Unlock()
		// The turn was handed to us as ctx ended: pass it on.
		o.release(channel, l)
		return nil, ctx.Err()
	}
}

// release hands the lane to the next waiter, or frees it.
func (o *outbox) release(channel string, l *lane) {
	o.mu.Lock()
	defer o.mu.Unlock()
	l.users--
	if len(l.waiting) > 0 {
		next := l.waiting[0]
		l.waiting = l.waiting[1:]
		close(next)
		return
	}
	l.busy = false
	if l.users == 0 {
		delete(o.lanes, channel)
	}
}

// queued returns how many callers hold or wait for channel's lane.
func (o *outbox) queued(channel string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	if l := o.lanes[channel]; l != nil {
		return l.users
	}
	return 0
}

// isTransient reports whether err is worth retrying: a 5xx or a network
// failure.
func isTransient(err error) bool {
	var re *discordgo.RESTError
	if errors.As(err, &re) {
		return re.Response != nil && re.Response.StatusCode >= 500
	}
	if strings.HasPrefix(err.Error(), "Exceeded Max retries HTTP 5") { // discordgo's 502 retries ran out
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
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
