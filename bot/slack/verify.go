package slack

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Request signing, as documented at
// https://docs.slack.dev/authentication/verifying-requests-from-slack/.
const (
	maxBody      = 1 << 20
	signatureTTL = 5 * time.Minute
)

// errUnauthorized is any failed verification; the caller answers 401.
var errUnauthorized = errors.New("request not signed by Slack")

// Remembers records keys for de-duplication; store.Idempotency is one.
type Remembers interface {
	// Remember records key for ttl and reports whether it was new.
	Remember(ctx context.Context, key string, ttl time.Duration) (firstTime bool, err error)
}

// verify reads r's body and checks Slack's v0 signature over it: the
// timestamp must be within five minutes of now, the HMAC-SHA256 of
// "v0:<timestamp>:<body>" under secret must match, and the same signature
// must not have been seen before (a replay). It returns the body only when
// all hold.
//
// A signature is remembered as the MAC it decodes to, not as the header
// was spelt: hex decodes either case, so "v0=ABCD…" is the same signature
// as "v0=abcd…" and a replay of it.
//
// slack.NewSecretsVerifier does the same check against the wall clock; this
// one takes the clock as an argument so that Slack's documented example
// request, signed in 2018, can be tested, and adds replay protection.
func verify(ctx context.Context, r *http.Request, secret string, now time.Time, seen Remembers) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	if len(body) > maxBody {
		return nil, fmt.Errorf("%w: body too large", errUnauthorized)
	}
	mac, err := checkSignature(r.Header, body, secret, now)
	if err != nil {
		return nil, err
	}
	if seen != nil {
		first, err := seen.Remember(ctx, "slack/signature/"+hex.EncodeToString(mac), 2*signatureTTL)
		if err != nil {
			return nil, fmt.Errorf("remember signature: %w", err)
		}
		if !first {
			return nil, fmt.Errorf("%w: replayed request", errUnauthorized)
		}
	}
	return body, nil
}

// checkSignature checks the v0 signature headers of a request body and
// returns the MAC the signature decodes to.
func checkSignature(h http.Header, body []byte, secret string, now time.Time) ([]byte, error) {
	if secret == "" {
		return nil, fmt.Errorf("%w: no signing secret configured", errUnauthorized)
	}
	ts, sig := h.Get("X-Slack-Request-Timestamp"), h.Get("X-Slack-Signature")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%w: bad timestamp", errUnauthorized)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > signatureTTL || d < -signatureTTL {
		return nil, fmt.Errorf("%w: stale timestamp", errUnauthorized)
	}
	hexMAC, ok := strings.CutPrefix(sig, "v0=")
	got, err := hex.DecodeString(hexMAC)
	if err != nil || !ok {
		return nil, fmt.Errorf("%w: malformed signature", errUnauthorized)
	}
	if !hmac.Equal(got, sign(secret, ts, body)) {
		return nil, fmt.Errorf("%w: signature mismatch", errUnauthorized)
	}
	return got, nil
}

// sign returns the raw v0 signature of body at timestamp ts.
func sign(secret, ts string, body []byte) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	return mac.Sum(nil)
}
