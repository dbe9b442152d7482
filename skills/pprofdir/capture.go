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
	u, err := url.Parse(baseURL)
	if err != nil {
		return "", fmt.Errorf("capture profile: parse URL: %w", err)
	}
	u = u.JoinPath("debug", "pprof", "profile")
	u.RawQuery = url.Values{"seconds": {strconv.Itoa(max(1, int(d.Seconds())))}}.Encode()
	at := c.now().UTC().Truncate(time.Second)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", fmt.Errorf("capture profile: %w", err)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("capture profile: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("capture profile: %s answered %s", u.Redacted(), resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxProfileBytes+1))
	if err != nil {
		return "", fmt.Errorf("capture profile: read body: %w", err)
	}
	if _, err := Parse(bytes.NewReader(data)); err != nil {
		return "", fmt.Errorf("capture profile from %s: %w", u.Redacted(), err)
	}
	if !validService(service) {
		return "", fmt.Errorf("capture profile: bad service name %q", service)
	}
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
