package outbox

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

var (
	errLimited = errors.New("429")
	errServer  = errors.New("503")
	errBad     = errors.New("400")
)

func classify(err error) Verdict {
	switch err {
	case errLimited:
		return Verdict{RateLimited: true, Wait: time.Millisecond}
	case errServer:
		return Verdict{Transient: true}
	}
	return Verdict{}
}

func TestOrderKeptThroughRateLimits(t *testing.T) {
	o := New(0, time.Millisecond, classify, func() {})
	var mu sync.Mutex
	var got []int
	calls := 0
	// Calls wait until all callers are queued, so the order of calls is
	// known.
	hold := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			err := o.Do(context.Background(), "#c", func(context.Context) error {
				<-hold
				mu.Lock()
				defer mu.Unlock()
				calls++
				if calls%3 == 0 {
					return errLimited
				}
				got = append(got, i)
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		})
		for o.Queued("#c") < i+1 {
			time.Sleep(time.Millisecond)
		}
	}
	close(hold)
	wg.Wait()
	if fmt.Sprint(got) != fmt.Sprint([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}) {
		t.Errorf("delivered %v, want all 20 in order", got)
	}
}

func TestTransientRetriesAreBoundedAndOthersReturn(t *testing.T) {
	retries := 0
	o := New(0, 0, classify, func() { retries++ })
	o.backoff = time.Millisecond
	n := 0
	err := o.Do(context.Background(), "#c", func(context.Context) error { n++; return errServer })
	if !errors.Is(err, errServer) || n != maxTransientRetries+1 || retries != maxTransientRetries {
		t.Errorf("err %v after %d calls, %d retries", err, n, retries)
	}
	n = 0
	if err := o.Do(context.Background(), "#c", func(context.Context) error { n++; return errBad }); !errors.Is(err, errBad) || n != 1 {
		t.Errorf("a permanent error: %v after %d calls", err, n)
	}
}

func TestCancelWhileWaitingForTheLane(t *testing.T) {
	o := New(0, 0, classify, func() {})
	hold, release := make(chan struct{}), make(chan struct{})
	go o.Do(context.Background(), "#c", func(context.Context) error { close(hold); <-release; return nil })
	<-hold
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- o.Do(ctx, "#c", func(context.Context) error { return nil }) }()
	for o.Queued("#c") < 2 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled waiter: %v", err)
	}
	close(release)
	if err := o.Do(context.Background(), "#c", func(context.Context) error { return nil }); err != nil {
		t.Errorf("lane not freed: %v", err)
	}
}
