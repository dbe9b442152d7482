package prom

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

// TestCompression: to a loopback server Source asks for no gzip unless
// told to; told to, the gzipped answer is decoded as it streams.
func TestCompression(t *testing.T) {
	var (
		mu  sync.Mutex
		got []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Method+" "+r.Header.Get("Accept-Encoding"))
		mu.Unlock()
		if r.URL.Query().Get("post") == "no" && r.Method == http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Accept-Encoding") == "gzip" {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gzipped(t, matrix))
			return
		}
		w.Write([]byte(matrix))
	}))
	t.Cleanup(srv.Close)
	for _, tt := range []struct {
		name string
		c    Compression
		url  string
		want string
	}{
		{"auto on loopback", CompressAuto, srv.URL, "POST identity"},
		{"gzip", CompressGzip, srv.URL, "POST gzip"},
		{"none", CompressNone, srv.URL, "POST identity"},
		{"GET when POST is refused", CompressNone, srv.URL + "/?post=no", "GET identity"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mu.Lock()
			got = nil
			mu.Unlock()
			src, err := New(tt.url, srv.Client())
			if err != nil {
				t.Fatal(err)
			}
			src.Compression = tt.c
			r, err := src.QueryRange(context.Background(), "cpu", time.Unix(1760000000, 0), time.Unix(1760000600, 0), 5*time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Series) != 2 || r.Points != 4 || r.Bytes != int64(len(matrix)) {
				t.Errorf("%d series, %d points, %d bytes", len(r.Series), r.Points, r.Bytes)
			}
			mu.Lock()
			defer mu.Unlock()
			if last := got[len(got)-1]; last != tt.want {
				t.Errorf("requests %q, want the last %q", got, tt.want)
			}
		})
	}
	remote, _ := url.Parse("http://prometheus.example:9090")
	if !CompressAuto.gzip(remote) {
		t.Error("auto does not ask a remote server for gzip")
	}
}

func gzipped(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := gzip.NewWriter(&b)
	if _, err := z.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
