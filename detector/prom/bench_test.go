package prom

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/detector"
)

// The shape of the measurement: 10,000 series × 864 points (3 days
// at 300 s), about 27 bytes per point as Prometheus writes them.
const benchSeries, benchPoints = 10_000, 864

// benchResponse renders a query_range answer of series × points: noise
// around a level per series, a step in every tenth.
func benchResponse(series, points int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, 0, series*points*28)
	b = append(b, `{"status":"success","data":{"resultType":"matrix","result":[`...)
	for i := range series {
		if i > 0 {
			b = append(b, ',')
		}
		b = fmt.Appendf(b, `{"metric":{"__name__":"svc_cpu_seconds_per_request","job":"checkout","instance":"10.0.%d.%d:9100","pod":"checkout-%05d"},"values":[`, i/256, i%256, i)
		level := 1 + float64(i%7)
		for p := range points {
			if p > 0 {
				b = append(b, ',')
			}
			v := level + 0.05*r.NormFloat64()
			if i%10 == 0 && p >= points/2 {
				v += 0.3 * level
			}
			b = strconv.AppendInt(append(b, '['), 1_760_000_000+int64(p)*300, 10)
			b = append(strconv.AppendFloat(append(b, `,"`...), v, 'g', 9, 64), `"]`...)
		}
		b = append(b, "]}"...)
	}
	return append(b, "]}}"...)
}

// cpuTime is the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkQueryRange10k reads the 10,000-series answer three ways and
// detects it, each reporting CPU seconds per pass and, for the reads, the
// bytes allocated per byte of response (an upper bound of the peak
// memory it adds: the decoder holds the series and a 256 KiB buffer,
// never the body):
//
//	go test -run=^$ -bench=QueryRange10k -benchtime=3x ./detector/prom
//
// decode is the stream decoder over the bytes; file is ReadFile of the
// response saved to disk; http is Source.QueryRange from a loopback
// server (the server's writing counted in the CPU too); detect runs the
// detector over the decoded series on one goroutine.
func BenchmarkQueryRange10k(b *testing.B) {
	body := benchResponse(benchSeries, benchPoints)
	path := b.TempDir() + "/range.json"
	if err := os.WriteFile(path, body, 0o600); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/api/v1/series" { // too many to list: sent whole
			w.WriteHeader(http.StatusUnprocessableEntity)
			_, _ = w.Write([]byte(`{"status":"error","errorType":"execution","error":"listing refused"}`))
			return
		}
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	report := func(b *testing.B, run func() []detector.Series) {
		b.SetBytes(int64(len(body)))
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		cpu0 := cpuTime()
		for b.Loop() {
			if s := run(); len(s) != benchSeries {
				b.Fatalf("%d series", len(s))
			}
		}
		b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
		runtime.ReadMemStats(&m1)
		b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/float64(b.N)/float64(len(body)), "alloc-B/resp-B")
	}
	b.Run("decode", func(b *testing.B) {
		report(b, func() []detector.Series {
			s, err := Parse(body)
			if err != nil {
				b.Fatal(err)
			}
			return s
		})
	})
	b.Run("file", func(b *testing.B) {
		report(b, func() []detector.Series {
			s, err := ReadFile(path)
			if err != nil {
				b.Fatal(err)
			}
			return s
		})
	})
	b.Run("http", func(b *testing.B) {
		src, err := New(srv.URL, srv.Client())
		if err != nil {
			b.Fatal(err)
		}
		src.MaxSamples = benchSeries * benchPoints
		start := time.Unix(1_760_000_000, 0)
		report(b, func() []detector.Series {
			r, err := src.QueryRange(context.Background(), "svc_cpu_seconds_per_request", start, start.Add((benchPoints-1)*300*time.Second), 300*time.Second)
			if err != nil {
				b.Fatal(err)
			}
			return r.Series
		})
	})
	b.Run("detect", func(b *testing.B) {
		series, err := Parse(body)
		if err != nil {
			b.Fatal(err)
		}
		d := detector.New(detector.Options{})
		cpu0 := cpuTime()
		for b.Loop() {
			for _, s := range series {
				d.Detect(s.Values, s.Times)
			}
		}
		b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	})
}
