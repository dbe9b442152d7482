package discord

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

func TestCheckSignature(t *testing.T) {
	pub, priv := testKey()
	now := time.Unix(1_750_000_000, 0)
	body := []byte(`{"type":1}`)
	header := func(ts time.Time, key ed25519.PrivateKey, b []byte) http.Header {
		sec := strconv.FormatInt(ts.Unix(), 10)
		h := http.Header{}
		h.Set("X-Signature-Timestamp", sec)
		h.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(key, append([]byte(sec), b...))))
		return h
	}
	other := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	for _, tc := range []struct {
		name string
		h    http.Header
		key  ed25519.PublicKey
		ok   bool
	}{
		{"valid", header(now, priv, body), pub, true},
		{"four minutes old", header(now.Add(-4*time.Minute), priv, body), pub, true},
		{"stale", header(now.Add(-6*time.Minute), priv, body), pub, false},
		{"from the future", header(now.Add(6*time.Minute), priv, body), pub, false},
		{"other key", header(now, other, body), pub, false},
		{"other body", header(now, priv, []byte(`{"type":2}`)), pub, false},
		{"no key configured", header(now, priv, body), nil, false},
		{"no headers", http.Header{}, pub, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := checkSignature(tc.h, body, tc.key, now)
			if (err == nil) != tc.ok {
				t.Fatalf("checkSignature = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

// FuzzVerify checks the verifier never panics and, for a fresh timestamp,
// agrees with discordgo.VerifyInteraction on every input.
func FuzzVerify(f *testing.F) {
	pub, priv := testKey()
	now := time.Unix(1_750_000_000, 0)
	sec := strconv.FormatInt(now.Unix(), 10)
	body := `{"id":"1","type":1}`
	f.Add(sec, hex.EncodeToString(ed25519.Sign(priv, []byte(sec+body))), body)
	f.Add(sec, strings.Repeat("0", 128), body)
	f.Add("x", "zz", "")
	f.Add("-99999999999999999999", "", "{}")
	f.Fuzz(func(t *testing.T, ts, sig, body string) {
		h := http.Header{}
		h.Set("X-Signature-Timestamp", ts)
		h.Set("X-Signature-Ed25519", sig)
		_, err := checkSignature(h, []byte(body), pub, now)
		if ts != sec {
			return
		}
		req, _ := http.NewRequest(http.MethodPost, "http://x/discord/interactions", bytes.NewReader([]byte(body)))
		req.Header = h
		if want := discordgo.VerifyInteraction(req, pub); (err == nil) != want {
			t.Fatalf("checkSignature = %v, discordgo says %v", err, want)
		}
	})
}

// memSeen is an in-memory Remembers for the unit tests of verify.
type memSeen struct {
	mu   sync.Mutex
	keys map[string]bool
}

func (m *memSeen) Remember(_ context.Context, key string, _ time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.keys == nil {
		m.keys = map[string]bool{}
	}
	first := !m.keys[key]
	m.keys[key] = true
	return first, nil
}

// TestVerifyRefusesCaseChangedReplay replays a verified request with the
// signature's hex spelt in upper or mixed case: the same signature, so a
// replay.
func TestVerifyRefusesCaseChangedReplay(t *testing.T) {
	pub, priv := testKey()
	now := time.Unix(1_750_000_000, 0)
	sec := strconv.FormatInt(now.Unix(), 10)
	body := `{"id":"1","type":1}`
	sig := hex.EncodeToString(ed25519.Sign(priv, []byte(sec+body)))
	mixed := []byte(sig)
	for i := 0; i < len(mixed); i += 2 {
		mixed[i] = strings.ToUpper(string(mixed[i]))[0]
	}
	request := func(sig string) *http.Request {
		r, _ := http.NewRequest(http.MethodPost, "http://x/discord/interactions", strings.NewReader(body))
		r.Header.Set("X-Signature-Timestamp", sec)
		r.Header.Set("X-Signature-Ed25519", sig)
		return r
	}
	for name, replay := range map[string]string{"upper-case hex": strings.ToUpper(sig), "mixed-case hex": string(mixed), "same spelling": sig} {
		t.Run(name, func(t *testing.T) {
			seen := &memSeen{}
			if _, err := verify(t.Context(), request(sig), pub, now, seen); err != nil {
				t.Fatal(err)
			}
			if _, err := verify(t.Context(), request(replay), pub, now, seen); !errors.Is(err, errUnauthorized) {
				t.Fatalf("replay as %q verified: %v", replay, err)
			}
		})
	}
}
