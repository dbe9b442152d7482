package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Request signing, as documented at
// https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint-validating-security-request-headers.
const (
	maxBody      = 1 << 20
	signatureTTL = 5 * time.Minute
)

// errUnauthorized is any failed verification; the caller answers 401.
var errUnauthorized = errors.New("request not signed by Discord")

// verify reads r's body and checks Discord's Ed25519 signature over it: the
// X-Signature-Timestamp must be within five minutes of now, the
// X-Signature-Ed25519 must sign timestamp+body under key, and the same
// signature must not have been seen before (a replay). It returns the body
// only when all hold. A signature is remembered as the bytes it decodes to,
// not as the header was spelt: hex decodes either case, so an upper-cased
// copy is the same signature and a replay of it.
//
// discordgo.VerifyInteraction checks the signature alone; a captured
// request would verify forever, so this one also bounds the timestamp
// (against an injected clock) and refuses replays.
func verify(ctx context.Context, r *http.Request, key ed25519.PublicKey, now time.Time, seen Remembers) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	if len(body) > maxBody {
		return nil, fmt.Errorf("%w: body too large", errUnauthorized)
	}
	sig, err := checkSignature(r.Header, body, key, now)
	if err != nil {
		return nil, err
	}
	if seen != nil {
		first, err := seen.Remember(ctx, "discord/signature/"+hex.EncodeToString(sig), 2*signatureTTL)
		if err != nil {
			return nil, fmt.Errorf("remember signature: %w", err)
		}
		if !first {
			return nil, fmt.Errorf("%w: replayed request", errUnauthorized)
		}
	}
	return body, nil
}

// checkSignature checks the signature headers of a request body and
// returns the signature, decoded.
func checkSignature(h http.Header, body []byte, key ed25519.PublicKey, now time.Time) ([]byte, error) {
	if len(key) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%w: no public key configured", errUnauthorized)
	}
	ts := h.Get("X-Signature-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%w: bad timestamp", errUnauthorized)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > signatureTTL || d < -signatureTTL {
		return nil, fmt.Errorf("%w: stale timestamp", errUnauthorized)
	}
	sig, err := hex.DecodeString(h.Get("X-Signature-Ed25519"))
	if err != nil || len(sig) != ed25519.SignatureSize {
		return nil, fmt.Errorf("%w: malformed signature", errUnauthorized)
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	if !ed25519.Verify(key, msg, sig) {
		return nil, fmt.Errorf("%w: signature mismatch", errUnauthorized)
	}
	return sig, nil
}
