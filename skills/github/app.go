package github

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// App is a GitHub App installation to authenticate as.
type App struct {
	// ID is the App's id; InstallationID the installation on the
	// repository's owner.
	ID, InstallationID int64
	// PrivateKey is the App's private key, PEM encoded (PKCS #1 as GitHub
	// issues it, or PKCS #8).
	PrivateKey []byte
}

// refreshBefore is how long before expiry an installation token is
// replaced.
const refreshBefore = 5 * time.Minute

// appTransport authenticates requests with an installation token of an
// App, minted with a short-lived RS256 JWT and replaced before it expires.
type appTransport struct {
	next http.RoundTripper
	app  App
	base *url.URL
	now  func() time.Time

	mu      sync.Mutex
	key     *rsa.PrivateKey
	token   string
	expires time.Time
}

func (t *appTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	tok, err := t.installationToken(req)
	if err != nil {
		return nil, err
	}
	req = req.Clone(req.Context())
	req.Header.Set("Authorization", "token "+tok)
	return t.next.RoundTrip(req)
}

// installationToken returns a valid installation token, minting one when
// there is none or it expires soon.
func (t *appTransport) installationToken(orig *http.Request) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token != "" && t.now().Before(t.expires.Add(-refreshBefore)) {
		return t.token, nil
	}
	if t.key == nil {
		key, err := parseKey(t.app.PrivateKey)
		if err != nil {
			return "", err
		}
		t.key = key
	}
	jwt, err := signJWT(t.key, t.app.ID, t.now())
	if err != nil {
		return "", err
	}
	u := t.base.JoinPath("app", "installations", strconv.FormatInt(t.app.InstallationID, 10), "access_tokens")
	req, err := http.NewRequestWithContext(orig.Context(), http.MethodPost, u.String(), nil)
	if err != nil {
		return "", fmt.Errorf("mint installation token: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+jwt)
	req.Header.Set("Accept", "application/vnd.github+json")
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return "", fmt.Errorf("mint installation token: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("mint installation token: GitHub answered %s", resp.Status)
	}
	var out struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.Token == "" {
		return "", errors.New("mint installation token: no token in GitHub's answer")
	}
	t.token, t.expires = out.Token, out.ExpiresAt
	return t.token, nil
}

// parseKey reads a PEM RSA private key.
func parseKey(pemBytes []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("parse GitHub App private key: not PEM")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, errors.New("parse GitHub App private key: neither PKCS #1 nor PKCS #8")
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("parse GitHub App private key: not an RSA key")
	}
	return rk, nil
}

// signJWT makes the App's JWT: issued a minute in the past against clock
// drift, valid for nine minutes (GitHub allows ten).
func signJWT(key *rsa.PrivateKey, appID int64, now time.Time) (string, error) {
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`))
	claims, err := json.Marshal(map[string]any{"iat": now.Add(-time.Minute).Unix(), "exp": now.Add(9 * time.Minute).Unix(), "iss": strconv.FormatInt(appID, 10)})
	if err != nil {
		return "", fmt.Errorf("sign app JWT: %w", err)
	}
	signing := header + "." + enc.EncodeToString(claims)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("sign app JWT: %w", err)
	}
	return signing + "." + enc.EncodeToString(sig), nil
}
