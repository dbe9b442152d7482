package slack

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

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

// FuzzCheckSignature checks that no header or body makes verification
// panic or pass without the secret.
func FuzzCheckSignature(f *testing.F) {
	f.Add(docBody, docSignature, docTimestamp)
	f.Add("", "v0=", "0")
	f.Add("payload=%7B%7D", "v0=00", "-1")
	sec, _ := strconv.ParseInt(docTimestamp, 10, 64)
	now := time.Unix(sec, 0)
	f.Fuzz(func(t *testing.T, body, sig, ts string) {
		h := http.Header{}
		h.Set("X-Slack-Signature", sig)
		h.Set("X-Slack-Request-Timestamp", ts)
		err := checkSignature(h, []byte(body), docSecret, now)
		if err == nil && !(body == docBody && sig == docSignature) {
			want := "v0=" + hex.EncodeToString(sign(docSecret, ts, []byte(body)))
			if sig != want {
				t.Fatalf("forged request verified: body %q sig %q ts %q", body, sig, ts)
			}
		}
	})
}
