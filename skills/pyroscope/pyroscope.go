// Package pyroscope reads CPU profiles from Grafana Pyroscope through its
// query API: the merged profile of a label selector over a time range
// (querier.v1.QuerierService/SelectMergeProfile, over the Connect
// protocol), as function-level detection (detector/funcschedule) takes
// one capture per tick.
//
// The request is four protobuf fields and the answer a pprof profile
// (google.v1.Profile is pprof's profile.proto), so the request is written
// with google.golang.org/protobuf's protowire and the answer parsed with
// github.com/google/pprof/profile; the github.com/grafana/pyroscope/api
// module would bring its generated code and connectrpc for one call.
package pyroscope

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/pprof/profile"
	"google.golang.org/protobuf/encoding/protowire"
)

// ProfileTypeCPU is the profile type of Go CPU profiles in Pyroscope.
const ProfileTypeCPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds"

// selectMergeProfile is the Connect procedure's path.
const selectMergeProfile = "/querier.v1.QuerierService/SelectMergeProfile"

// maxProfileBytes bounds the answer read.
const maxProfileBytes = 64 << 20

// Client queries one Pyroscope server.
type Client struct {
	base   *url.URL
	client *http.Client
	now    func() time.Time
	// Tenant, when set, is sent as X-Scope-OrgID (multi-tenant servers).
	Tenant string
}

// New returns a client of the Pyroscope server at baseURL; now is the
// clock that ends each range. It does no I/O.
func New(baseURL string, client *http.Client, now func() time.Time) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("pyroscope: want an http(s) base URL, not %q", baseURL)
	}
	return &Client{base: u, client: client, now: now}, nil
}

// Fetch returns the CPU profile merged over the last d of the profiles
// matching selector (e.g. {service_name="checkout"}).
func (c *Client) Fetch(ctx context.Context, selector string, d time.Duration) (*profile.Profile, error) {
	end := c.now()
	return c.Merged(ctx, ProfileTypeCPU, selector, end.Add(-d), end)
}

// Merged returns the profile of type typeID merged over [start, end) of
// the profiles matching selector.
func (c *Client) Merged(ctx context.Context, typeID, selector string, start, end time.Time) (*profile.Profile, error) {
	var body []byte
	body = protowire.AppendTag(body, 1, protowire.BytesType)
	body = protowire.AppendString(body, typeID)
	body = protowire.AppendTag(body, 2, protowire.BytesType)
	body = protowire.AppendString(body, selector)
	body = protowire.AppendTag(body, 3, protowire.VarintType)
	body = protowire.AppendVarint(body, uint64(start.UnixMilli()))
	body = protowire.AppendTag(body, 4, protowire.VarintType)
	body = protowire.AppendVarint(body, uint64(end.UnixMilli()))
	u := c.base.JoinPath(selectMergeProfile)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("pyroscope: %w", err)
	}
	req.Header.Set("Content-Type", "application/proto")
	req.Header.Set("Connect-Protocol-Version", "1")
	if c.Tenant != "" {
		req.Header.Set("X-Scope-OrgID", c.Tenant)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("pyroscope: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxProfileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("pyroscope: read answer: %w", err)
	}
	p, err := parseAnswer(resp.StatusCode, resp.Status, data)
	if err != nil {
		return nil, fmt.Errorf("pyroscope %s: %w", u.Redacted(), err)
	}
	if p == nil {
		return nil, fmt.Errorf("pyroscope %s: no samples of %s in %s", u.Redacted(), selector, end.Sub(start))
	}
	return p, nil
}

// parseAnswer reads a SelectMergeProfile answer: the profile, nil when it
// holds no samples, or the error it reports.
func parseAnswer(code int, status string, data []byte) (*profile.Profile, error) {
	if code != http.StatusOK {
		return nil, fmt.Errorf("%s%s", status, connectError(data))
	}
	if len(data) > maxProfileBytes {
		return nil, fmt.Errorf("profile larger than %d bytes", maxProfileBytes)
	}
	if len(data) == 0 { // an empty message: nothing matched
		return nil, nil
	}
	p, err := profile.ParseData(data)
	if err != nil {
		return nil, fmt.Errorf("parse profile: %w", err)
	}
	if len(p.Sample) == 0 {
		return nil, nil
	}
	return p, nil
}

// connectError is ": <message>" of a Connect error body ({"code",
// "message"}), or nothing.
func connectError(body []byte) string {
	var e struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &e) != nil || e.Code == "" {
		return ""
	}
	return ": " + strings.TrimSpace(e.Code+" "+e.Message)
}
