package prom

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
)

// Compression says whether a Source asks the server to gzip its answers.
type Compression int

const (
	// CompressAuto asks for gzip except from a loopback address, where
	// compressing costs the server more than the bytes cost the network.
	CompressAuto Compression = iota
	// CompressGzip always asks for gzip.
	CompressGzip
	// CompressNone never does (Accept-Encoding: identity).
	CompressNone
)

// ParseCompression reads "auto" (or ""), "gzip" or "none".
func ParseCompression(s string) (Compression, error) {
	switch s {
	case "", "auto":
		return CompressAuto, nil
	case "gzip":
		return CompressGzip, nil
	case "none":
		return CompressNone, nil
	}
	return 0, fmt.Errorf("compression %q: want auto, gzip or none", s)
}

// gzip reports whether a request to u asks for gzip.
func (c Compression) gzip(u *url.URL) bool {
	switch c {
	case CompressGzip:
		return true
	case CompressNone:
		return false
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	return host != "localhost" && (ip == nil || !ip.IsLoopback())
}

// queryRange sends one query_range request, a form-encoded POST as
// client_golang sends it (a GET when the server refuses POST with 405),
// and decodes the answer as it arrives (decodeMatrix), never holding the
// body: each series' buffers get capacity capHint. A non-success answer
// is an error carrying the server's errorType and message.
func (s *Source) queryRange(ctx context.Context, query string, r v1.Range, capHint int) (envelope, error) {
	form := url.Values{"query": {query}, "start": {formatTime(r.Start)}, "end": {formatTime(r.End)},
		"step": {strconv.FormatFloat(r.Step.Seconds(), 'f', -1, 64)}}
	u := s.client.URL("/api/v1/query_range", nil)
	resp, err := s.send(ctx, http.MethodPost, u, form)
	if err == nil && resp.StatusCode == http.StatusMethodNotAllowed {
		resp.Body.Close()
		resp, err = s.send(ctx, http.MethodGet, u, form)
	}
	if err != nil {
		return envelope{}, err
	}
	defer resp.Body.Close()
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if ct != "application/json" {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return envelope{}, fmt.Errorf("server returned HTTP status %s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	body := io.Reader(resp.Body)
	if resp.Header.Get("Content-Encoding") == "gzip" {
		z, err := gzip.NewReader(resp.Body)
		if err != nil {
			return envelope{}, fmt.Errorf("read gzipped answer: %w", err)
		}
		defer z.Close()
		body = z
	}
	e, err := decodeMatrix(body, decodeOptions{capHint: capHint, dropEmpty: true})
	switch {
	case err != nil && resp.StatusCode/100 != 2:
		return e, fmt.Errorf("server returned HTTP status %s: %w", resp.Status, err)
	case err != nil:
		return e, fmt.Errorf("decode query_range answer: %w", err)
	case e.status != "success":
		return e, fmt.Errorf("%s: %s", e.errorType, e.error)
	case e.resultType != "matrix":
		return e, fmt.Errorf("result type %q, want matrix", e.resultType)
	}
	return e, nil
}

// send makes one request with form as its body (POST) or URL query (GET).
func (s *Source) send(ctx context.Context, method string, u *url.URL, form url.Values) (*http.Response, error) {
	var body io.Reader
	target := *u
	if method == http.MethodPost {
		body = strings.NewReader(form.Encode())
	} else {
		target.RawQuery = form.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, target.String(), body)
	if err != nil {
		return nil, err
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	// Set either way, so that the transport neither adds gzip nor
	// undoes it (a transport that disables compression would not).
	req.Header.Set("Accept-Encoding", "identity")
	if s.Compression.gzip(u) {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	return s.hc.Do(req)
}

// formatTime renders t as client_golang does: unix seconds, fractional
// when needed.
func formatTime(t time.Time) string {
	return strconv.FormatFloat(float64(t.Unix())+float64(t.Nanosecond())/1e9, 'f', -1, 64)
}
