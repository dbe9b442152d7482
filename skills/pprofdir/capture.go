package pprofdir

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/google/pprof/profile"
)

// Capturer pulls CPU profiles from a service's pprof HTTP endpoint
// (/debug/pprof/profile?seconds=N) into a Dir, on demand or on a schedule
// the caller drives.
type Capturer struct {
	client *http.Client
	dir    *Dir
	now    func() time.Time
}

// NewCapturer returns a capturer storing into dir. now is the clock that
// names the files. It does no I/O.
func NewCapturer(client *http.Client, dir *Dir, now func() time.Time) *Capturer {
	return &Capturer{client: client, dir: dir, now: now}
}

// Capture profiles service for the given duration from baseURL (the
// address serving /debug/pprof/), checks that the answer is a CPU profile,
// and stores it as <service>/<RFC3339>.pb.gz. It returns the file's path.
func (c *Capturer) Capture(ctx context.Context, service, baseURL string, d time.Duration) (string, error) {
	if !validService(service) {
		return "", fmt.Errorf("capture profile: bad service name %q", service)
	}
	at := c.now().UTC().Truncate(time.Second)
	data, _, err := c.fetch(ctx, baseURL, d)
	if err != nil {
		return "", err
	}
	return c.store(service, at, data)
}

// Fetch profiles the process at baseURL (the address serving
// /debug/pprof/) for d and returns its CPU profile, without storing it.
// A profile that holds no samples (an idle process) fails with
// ErrNotCPUProfile.
func (c *Capturer) Fetch(ctx context.Context, baseURL string, d time.Duration) (*profile.Profile, error) {
	_, p, err := c.fetch(ctx, baseURL, d)
	return p, err
}

// Save stores p as service's profile taken at (truncated to the second),
// <service>/<RFC3339>.pb.gz, and returns the file's path. A file already
// there for that second is replaced.
func (c *Capturer) Save(service string, at time.Time, p *profile.Profile) (string, error) {
	if !validService(service) {
		return "", fmt.Errorf("save profile: bad service name %q", service)
	}
	var b bytes.Buffer
	if err := p.Write(&b); err != nil {
		return "", fmt.Errorf("save profile of %s: %w", service, err)
	}
	return c.store(service, at.UTC().Truncate(time.Second), b.Bytes())
}

// fetch gets and checks one CPU profile: its bytes as served, and parsed.
func (c *Capturer) fetch(ctx context.Context, baseURL string, d time.Duration) ([]byte, *profile.Profile, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, nil, fmt.Errorf("capture profile: parse URL: %w", err)
	}
	u = u.JoinPath("debug", "pprof", "profile")
	u.RawQuery = url.Values{"seconds": {strconv.Itoa(max(1, int(d.Seconds())))}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("capture profile: %w", err)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("capture profile: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("capture profile: %s answered %s", u.Redacted(), resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxProfileBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("capture profile: read body: %w", err)
	}
	p, err := Parse(bytes.NewReader(data))
	if err != nil {
		return nil, nil, fmt.Errorf("capture profile from %s: %w", u.Redacted(), err)
	}
	return data, p, nil
}

// store writes data as service's profile at, atomically (a temporary file
// renamed into place).
func (c *Capturer) store(service string, at time.Time, data []byte) (string, error) {
	p := c.dir.Path(service, at)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", fmt.Errorf("capture profile: %w", err)
	}
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return "", fmt.Errorf("capture profile: %w", err)
	}
	if err := os.Rename(tmp, p); err != nil {
		return "", fmt.Errorf("capture profile: %w", err)
	}
	return p, nil
}
