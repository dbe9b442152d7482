// Package outbox sends a chat platform's calls one channel at a time, in
// the order they were made, at most one per interval, waiting out rate
// limits and retrying transient failures. Nothing queued is dropped: a call
// returns only once the platform accepted it, failed for good, or the
// context ended. The Slack and Discord adapters share it; each says through
// a Classify func what its client's errors mean.
package outbox

import (
	"context"
	"sync"
	"time"
)

// Verdict is what a failed call's error means.
type Verdict struct {
	// RateLimited asks to wait Wait and call again, as often as needed.
	RateLimited bool
	// Wait is how long the platform asked to wait.
	Wait time.Duration
	// Transient asks to retry with backoff, a few times (a 5xx, a network
	// failure).
	Transient bool
}

// Outbox is a set of per-channel FIFO lanes. Its methods are safe for
// concurrent use.
type Outbox struct {
	interval time.Duration
	minWait  time.Duration
	classify func(error) Verdict
	retried  func()
	backoff  time.Duration // first wait before retrying a transient failure

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

// New returns an Outbox that leaves interval between two calls to one
// channel, waits at least minWait when rate limited, reads errors with
// classify, and calls retried (for metrics) before each retry.
func New(interval, minWait time.Duration, classify func(error) Verdict, retried func()) *Outbox {
	return &Outbox{interval: interval, minWait: minWait, classify: classify, retried: retried, backoff: 200 * time.Millisecond,
		lanes: map[string]*lane{}}
}

// maxTransientRetries bounds retries of errors other than rate limits.
const maxTransientRetries = 5

// Do runs call for channel when the channel's turn comes, retrying as its
// errors ask.
func (o *Outbox) Do(ctx context.Context, channel string, call func(context.Context) error) error {
	l, err := o.acquire(ctx, channel)
	if err != nil {
		return err
	}
	defer o.release(channel, l)
	if err := sleepUntil(ctx, l.next); err != nil {
		return err
	}
	backoff := o.backoff
	transient := 0
	for {
		err := call(ctx)
		l.next = time.Now().Add(o.interval)
		if err == nil {
			return nil
		}
		v := o.classify(err)
		switch {
		case v.RateLimited:
			o.retried()
			if err := sleepUntil(ctx, time.Now().Add(max(v.Wait, o.minWait))); err != nil {
				return err
			}
		case v.Transient && transient < maxTransientRetries:
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

// Queued returns how many callers hold or wait for channel's lane.
func (o *Outbox) Queued(channel string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	if l := o.lanes[channel]; l != nil {
		return l.users
	}
	return 0
}

// acquire waits for the channel's lane, first come first served.
func (o *Outbox) acquire(ctx context.Context, channel string) (*lane, error) {
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
func (o *Outbox) release(channel string, l *lane) {
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
