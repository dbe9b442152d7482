package slack

import (
	"bytes"
	"context"
	"crypto/hmac"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/slack-go/slack"
)

// Slack's documented example request, from
// https://docs.slack.dev/authentication/verifying-requests-from-slack/.
const (
	docSecret    = "8f742231b10e8888abcd99yyyzzz85a5"
	docTimestamp = "1531420618"
	docBody      = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	docSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
)

// memSeen is an in-memory Remembers for the unit tests of verify; the
// adapter's integration tests use the real store.
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

func docRequest(body, sig, ts string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/slack/commands", bytes.NewBufferString(body))
	r.Header.Set("X-Slack-Signature", sig)
	r.Header.Set("X-Slack-Request-Timestamp", ts)
	return r
}

func TestVerifyDocumentedExample(t *testing.T) {
	sec, _ := strconv.ParseInt(docTimestamp, 10, 64)
	signedAt := time.Unix(sec, 0)
	cases := []struct {
		name    string
		body    string
		sig     string
		now     time.Time
		wantErr bool
	}{
		{"documented example", docBody, docSignature, signedAt.Add(30 * time.Second), false},
		{"just inside the window", docBody, docSignature, signedAt.Add(5 * time.Minute), false},
		{"stale", docBody, docSignature, signedAt.Add(5*time.Minute + time.Second), true},
		{"from the future", docBody, docSignature, signedAt.Add(-6 * time.Minute), true},
		{"tampered body", docBody + "&x=1", docSignature, signedAt, true},
		{"wrong signature", docBody, "v0=" + hex.EncodeToString(make([]byte, 32)), signedAt, true},
		{"no v0 prefix", docBody, docSignature[3:], signedAt, true},
		{"not hex", docBody, "v0=zz", signedAt, true},
		{"missing", docBody, "", signedAt, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body, err := verify(t.Context(), docRequest(tc.body, tc.sig, docTimestamp), docSecret, tc.now, nil)
			if tc.wantErr {
				if !errors.Is(err, errUnauthorized) {
					t.Fatalf("verify = %v, want unauthorized", err)
				}
				return
			}
			if err != nil || string(body) != tc.body {
				t.Fatalf("verify = %q, %v", body, err)
			}
		})
	}
}

func TestVerifyRefusesReplay(t *testing.T) {
	sec, _ := strconv.ParseInt(docTimestamp, 10, 64)
	now := time.Unix(sec, 0)
	seen := &memSeen{}
	if _, err := verify(t.Context(), docRequest(docBody, docSignature, docTimestamp), docSecret, now, seen); err != nil {
		t.Fatal(err)
	}
	if _, err := verify(t.Context(), docRequest(docBody, docSignature, docTimestamp), docSecret, now, seen); !errors.Is(err, errUnauthorized) {
		t.Fatalf("replay verified: %v", err)
	}
}

// TestVerifyAgreesWithSlackGo cross-checks the signature with slack-go's
// own verifier on a freshly signed request.
func TestVerifyAgreesWithSlackGo(t *testing.T) {
	now := time.Now()
	ts := strconv.FormatInt(now.Unix(), 10)
	sig := "v0=" + hex.EncodeToString(sign(docSecret, ts, []byte(docBody)))
	r := docRequest(docBody, sig, ts)
	sv, err := slack.NewSecretsVerifier(r.Header, docSecret)
	if err != nil {
		t.Fatal(err)
	}
	sv.Write([]byte(docBody))
	if err := sv.Ensure(); err != nil {
		t.Fatalf("slack-go refuses our signature: %v", err)
	}
	if _, err := verify(t.Context(), r, docSecret, now, nil); err != nil {
		t.Fatalf("verify refuses a slack-go-valid request: %v", err)
	}
}

// FuzzVerify checks verification on any timestamp, body and signature
// header, delivered once or after the request was already delivered
// (replay): a request verifies only when its signature decodes to the
// right MAC and that MAC has not been seen; any re-delivery of the same
// MAC, however its hex is spelt, is refused. Seeded with the documented
// example, its case variants, a "V0=" prefix, truncations and replays.
func FuzzVerify(f *testing.F) {
	valid := strings.TrimPrefix(docSignature, "v0=")
	for _, seed := range []struct {
		ts, body, sig string
		replay        bool
	}{
		{docTimestamp, docBody, docSignature, false},
		{docTimestamp, docBody, "v0=" + strings.ToUpper(valid), false},
		{docTimestamp, docBody, "v0=" + mixedCase(valid), false},
		{docTimestamp, docBody, "V0=" + valid, false},
		{docTimestamp, docBody, "V0=" + strings.ToUpper(valid), false},
		{docTimestamp, docBody, docSignature[:len(docSignature)-2], false},
		{docTimestamp, docBody, docSignature[:len(docSignature)-1], false},
		{docTimestamp, docBody, docSignature + "00", false},
		{docTimestamp, docBody, " " + docSignature, false},
		{docTimestamp, docBody, docSignature, true},
		{docTimestamp, docBody, "v0=" + strings.ToUpper(valid), true},
		{docTimestamp, docBody, "v0=" + mixedCase(valid), true},
		{docTimestamp, docBody + "&x=1", docSignature, false},
		{"1531420917", docBody, docSignature, false},
		{"1531421000", docBody, docSignature, true},
		{"", "", "v0=", false},
		{"0", "payload=%7B%7D", "v0=00", true},
	} {
		f.Add(seed.ts, seed.body, seed.sig, seed.replay)
	}
	sec, _ := strconv.ParseInt(docTimestamp, 10, 64)
	now := time.Unix(sec, 0)
	f.Fuzz(func(t *testing.T, ts, body, sig string, replay bool) {
		fresh := false
		if s, err := strconv.ParseInt(ts, 10, 64); err == nil {
			d := now.Sub(time.Unix(s, 0))
			fresh = d <= signatureTTL && d >= -signatureTTL
		}
		mac := sign(docSecret, ts, []byte(body))
		seen := &memSeen{}
		deliver := func(sig string) error {
			_, err := verify(t.Context(), docRequest(body, sig, ts), docSecret, now, seen)
			if err != nil && !errors.Is(err, errUnauthorized) {
				t.Fatalf("verify(%q) = %v, want unauthorized or nil", sig, err)
			}
			return err
		}
		if replay { // delivered once already, spelt as Slack spells it
			if err := deliver("v0=" + hex.EncodeToString(mac)); (err == nil) != fresh {
				t.Fatalf("first delivery of a valid signature at %q: %v, fresh=%v", ts, err, fresh)
			}
		}
		hexMAC, prefixed := strings.CutPrefix(sig, "v0=")
		decoded, err := hex.DecodeString(hexMAC)
		right := prefixed && err == nil && hmac.Equal(decoded, mac)
		if err := deliver(sig); (err == nil) != (right && fresh && !replay) {
			t.Fatalf("verify(ts %q, body %q, sig %q, replay %v) = %v; right MAC %v, fresh %v", ts, body, sig, replay, err, right, fresh)
		}
		for _, again := range []string{sig, "v0=" + strings.ToUpper(hexMAC), "v0=" + strings.ToLower(hexMAC)} {
			if err := deliver(again); err == nil {
				t.Fatalf("re-delivery as %q of %q verified", again, sig)
			}
		}
	})
}

// TestVerifyRefusesCaseChangedReplay replays a verified request with the
// signature's hex spelt differently: hex decodes either case to the same
// MAC, so each spelling is the same signature and a replay.
func TestVerifyRefusesCaseChangedReplay(t *testing.T) {
	sec, _ := strconv.ParseInt(docTimestamp, 10, 64)
	now := time.Unix(sec, 0)
	hexPart := strings.TrimPrefix(docSignature, "v0=")
	for name, replay := range map[string]string{
		"upper-case hex": "v0=" + strings.ToUpper(hexPart),
		"mixed-case hex": "v0=" + mixedCase(hexPart),
		"same spelling":  docSignature,
	} {
		t.Run(name, func(t *testing.T) {
			seen := &memSeen{}
			if _, err := verify(t.Context(), docRequest(docBody, docSignature, docTimestamp), docSecret, now, seen); err != nil {
				t.Fatal(err)
			}
			if _, err := verify(t.Context(), docRequest(docBody, replay, docTimestamp), docSecret, now, seen); !errors.Is(err, errUnauthorized) {
				t.Fatalf("replay as %q verified: %v", replay, err)
			}
		})
	}
}

// mixedCase upper-cases every other letter of s.
func mixedCase(s string) string {
	b := []byte(s)
	for i := range b {
		if i%2 == 0 {
			b[i] = byte(unicode.ToUpper(rune(b[i])))
		}
	}
	return string(b)
}
