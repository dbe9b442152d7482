package slack

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// outbox sends to Slack at most one call per channel per interval, in the
// order the calls were made, waiting out 429 Retry-After answers and
// retrying transient failures. Nothing queued is dropped: a call returns
// only once Slack accepted it, failed for good, or ctx ended.
type outbox struct {
	interval time.Duration
	retried  func() // counts a retry, for metrics

	mu    sync.Mutex
	lanes map[string]*lane
}

// lane is one channel's FIFO of waiting calls.
type lane struct {
	busy    bool
	waiting []chan struct{}
	next    time.Time // earliest time of the next call
	users   int       // callers holding or waiting for the lane
}

func newOutbox(interval time.Duration, retried func()) *outbox {
	return &outbox{interval: interval, retried: retried, lanes: map[string]*lane{}}
}

// maxTransientRetries bounds retries of errors other than rate limits.
const maxTransientRetries = 5

// do runs call for channel when the channel's turn comes.
func (o *outbox) do(ctx context.Context, channel string, call func(context.Context) error) error {
	l, err := o.acquire(ctx, channel)
	if err != nil {
		return err
	}
	defer o.release(channel, l)
	if err := sleepUntil(ctx, l.next); err != nil {
		return err
	}
	backoff := 200 * time.Millisecond
	transient := 0
	for {
		err := call(ctx)
		l.next = time.Now().Add(o.interval)
		var rl *slack.RateLimitedError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &rl):
			o.retried()
			wait := max(rl.RetryAfter, time.Second)
			if err := sleepUntil(ctx, time.Now().Add(wait)); err != nil {
				return err
			}
		case transient < maxTransientRetries && isTransient(err):
			transient++
			o.retried()
			if err := sleepUntil(ctx, time.Now().Add(backoff)); err != nil {
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
	if l.users == 0 && time.Now().After(l.next) {
		delete(o.lanes, channel)
	}
}

// isTransient reports whether err is worth retrying: a 5xx or a network
// failure.
func isTransient(err error) bool {
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return sc.Code >= 500
	}
	var ne net.Error
	return errors.As(err, &ne)
}

func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}
