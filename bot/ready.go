package bot

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrCredentials is wrapped by a chat platform's refusal of the
// credentials Wattson was given: a token revoked, mistyped or of another
// application. It is worth stopping for at start; a platform that cannot
// be reached is not.
var ErrCredentials = errors.New("credentials refused")

// Readiness remembers whether a chat platform can post, by running Check
// (such as Slack's auth.test) at most once per TTL: /readyz asks often,
// the platform is asked seldom. The zero TTL means a minute.
type Readiness struct {
	// Check asks the platform whether the credentials work.
	Check func(ctx context.Context) error
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// TTL is how long a result is kept.
	TTL time.Duration

	mu  sync.Mutex
	at  time.Time
	err error
}

// Ready returns the last result of Check, running it again when it is
// older than TTL or there is none yet.
func (r *Readiness) Ready(ctx context.Context) error {
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	ttl := r.TTL
	if ttl <= 0 {
		ttl = time.Minute
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.at.IsZero() && now().Sub(r.at) < ttl {
		return r.err
	}
	r.err, r.at = r.Check(ctx), now()
	return r.err
}
