package github

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Retry defaults.
const (
	defaultAttempts = 4
	defaultBackoff  = time.Second
	defaultMaxWait  = 2 * time.Minute
)

// retrier is an http.RoundTripper that retries what GitHub asks to be
// retried: a rate limit (403 or 429 with Retry-After or an exhausted
// X-RateLimit-Remaining), waiting as long as GitHub says, and a server
// error (5xx), with exponential backoff. A wait longer than maxWait is not
// waited out: the response goes back to the caller.
type retrier struct {
	next     http.RoundTripper
	attempts int
	backoff  time.Duration
	maxWait  time.Duration
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
	log      *slog.Logger
}

func (r *retrier) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 1; ; attempt++ {
		resp, err := r.next.RoundTrip(req)
		if err != nil || attempt >= r.attempts {
			return resp, err
		}
		wait, why := r.classify(resp, attempt)
		if wait <= 0 || (req.Body != nil && req.GetBody == nil) {
			return resp, nil
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		note(req.Context(), fmt.Sprintf("GitHub %s: waited %s and retried (attempt %d of %d)", why, wait, attempt+1, r.attempts))
		r.log.WarnContext(req.Context(), "github request retried", "method", req.Method, "path", req.URL.Path,
			"status", resp.StatusCode, "wait", wait, "attempt", attempt+1)
		if err := r.sleep(req.Context(), wait); err != nil {
			return nil, fmt.Errorf("wait to retry %s %s: %w", req.Method, req.URL.Path, err)
		}
		if req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, fmt.Errorf("replay request body: %w", err)
			}
			req = req.Clone(req.Context())
			req.Body = body
		}
	}
}

// classify returns how long to wait before retrying resp, and why; zero
// means do not retry.
func (r *retrier) classify(resp *http.Response, attempt int) (time.Duration, string) {
	code := resp.StatusCode
	switch {
	case code == http.StatusTooManyRequests || code == http.StatusForbidden:
		wait, ok := r.rateLimitWait(resp.Header)
		if !ok {
			return 0, ""
		}
		if wait > r.maxWait {
			return 0, ""
		}
		return wait, fmt.Sprintf("rate limit (%d)", code)
	case code >= 500 && code != http.StatusNotImplemented:
		return r.backoff << (attempt - 1), fmt.Sprintf("server error (%d)", code)
	}
	return 0, ""
}

// rateLimitWait reads how long GitHub asks to wait; ok is false when the
// response is not a rate limit (a 403 for missing permissions).
func (r *retrier) rateLimitWait(h http.Header) (time.Duration, bool) {
	if s := h.Get("Retry-After"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n >= 0 {
			return max(time.Duration(n)*time.Second, time.Second), true
		}
	}
	if h.Get("X-RateLimit-Remaining") == "0" {
		if n, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			return max(time.Unix(n, 0).Sub(r.now())+time.Second, time.Second), true
		}
		return time.Minute, true
	}
	return 0, false
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// notesKey is the context key of a call's notes.
type notesKey struct{}

// notes collects what happened during one Host call that the people in
// the chat thread should hear about, such as retries.
type notes struct {
	mu   sync.Mutex
	list []string
}

// withNotes returns ctx carrying a fresh collector of notes.
func withNotes(ctx context.Context) (context.Context, *notes) {
	n := &notes{}
	return context.WithValue(ctx, notesKey{}, n), n
}

// note adds s to the notes ctx carries, if any.
func note(ctx context.Context, s string) {
	if n, ok := ctx.Value(notesKey{}).(*notes); ok {
		n.mu.Lock()
		n.list = append(n.list, s)
		n.mu.Unlock()
	}
}

// all returns the notes so far.
func (n *notes) all() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.list...)
}
