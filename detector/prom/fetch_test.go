package prom

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
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

// TestMetricsCountRequests: each query_range request is timed by outcome
// and its bytes counted.
func TestMetricsCountRequests(t *testing.T) {
	const refused = `{"status":"error","errorType":"bad_data","error":"parse error"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.FormValue("query") == "bad(" {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(refused))
			return
		}
		w.Write([]byte(matrix))
	}))
	t.Cleanup(srv.Close)
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	src, err := New(srv.URL, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	src.Metrics = m
	start := time.Unix(1760000000, 0)
	for _, q := range []string{"rate(cpu[5m])", "rate(cpu[5m])", "bad("} {
		src.Query(context.Background(), q, start, start.Add(10*time.Minute), 5*time.Minute)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, x := range mf.GetMetric() {
			name := mf.GetName()
			for _, l := range x.GetLabel() {
				name += "/" + l.GetValue()
			}
			got[name] = x.GetCounter().GetValue() + float64(x.GetHistogram().GetSampleCount())
		}
	}
	want := map[string]float64{
		"wattson_prometheus_query_seconds/ok":     2,
		"wattson_prometheus_query_seconds/error":  1,
		"wattson_prometheus_response_bytes_total": float64(2*len(matrix) + len(refused)),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("metrics %v, want %v", got, want)
	}
}
