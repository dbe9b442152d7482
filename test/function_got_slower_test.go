package test

// A journey (issue 20): a running Go service exposes net/http/pprof;
// `wattson serve` captures its CPU profile on a schedule; a new build
// makes one function, 1% of the service's CPU, four times as slow — about
// 3% more CPU for the service, less than the noise of a production
// service's CPU per request, so no service-level series shows it; the
// team's channel gets one alert naming that function, and later captures
// of the same change alert nothing more.

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/pprof/profile"
)

// fnProgram is the service: a worker loop serving requests, each of which
// parses, renders and prices; fnPricing is its pricing file, with the work
// per request as %d.
const fnProgram = `package main

import (
	"net/http"
	_ "net/http/pprof"
	"os"
)

// Each step hashes in a loop of its own, so that its CPU is its own
// (self) time.

//go:noinline
func parseRequest() uint64 {
	h := uint64(1469598103934665603)
	for i := range 46000 {
		h = (h ^ uint64(i)) * 1099511628211
	}
	return h
}

//go:noinline
func renderPage() uint64 {
	h := uint64(14695981039346656037)
	for i := range 46000 {
		h = (h ^ uint64(i)) * 1099511628211
	}
	return h
}

func serveRequest() uint64 { return parseRequest() + renderPage() + computePrice() }

func main() {
	for range 2 { // two workers: more samples per profile on a busy machine
		go func() {
			var h uint64
			for {
				h += serveRequest()
			}
		}()
	}
	if err := http.ListenAndServe(os.Args[1], nil); err != nil {
		panic(err)
	}
}
`

const fnPricing = `package main

//go:noinline
func computePrice() uint64 {
	h := uint64(7)
	for i := range %d {
		h = (h ^ uint64(i)) * 1099511628211
	}
	return h
}
`

// fnBuild builds the service with pricing work n per request.
func fnBuild(t *testing.T, src string, n int, name string) string {
	t.Helper()
	if err := os.WriteFile(filepath.Join(src, "pricing.go"), fmt.Appendf(nil, fnPricing, n), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(src, name)
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = src
	build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", name, err, out)
	}
	return bin
}

// fnStart runs bin on a free loopback port until the test ends and returns
// its base URL once it answers.
func fnStart(t *testing.T, bin string) (*url.URL, *exec.Cmd) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, addr)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	u := &url.URL{Scheme: "http", Host: addr}
	eventually(t, 10*time.Second, bin+" answering", func() bool {
		resp, err := http.Get(u.String() + "/debug/pprof/cmdline")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == http.StatusOK
	})
	return u, cmd
}

func TestFnAlertFromProfiles(t *testing.T) {
	src := t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "main.go"), []byte(fnProgram), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte("module example.com/shop\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// pricing is 1% of a request's work; the new build makes it four
	// times as much: the function's share grows about 3.9x, the service's
	// CPU by about 3%. A busy 2-core machine may give a 1 s profile only
	// some 40 samples, so the test waits for samples, not captures: the
	// power of the function's count test grows with them.
	v1, v2 := fnBuild(t, src, 1000, "shop-v1"), fnBuild(t, src, 4000, "shop-v2")

	// the service's address stays one across the deploy, as behind a load
	// balancer: a proxy to the running build
	var backend atomic.Pointer[url.URL]
	first, old := fnStart(t, v1)
	backend.Store(first)
	var captures atomic.Int64
	lb := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		captures.Add(1)
		r.SetURL(backend.Load())
	}})
	t.Cleanup(lb.Close)

	slack := newFakeSlack(t)
	profiles := t.TempDir()
	cfg := `chat:
  platforms: [slack]
slack:
  min_interval: 50ms
  api_url: ` + slack.srv.GetAPIURL() + `
routes:
- match: {service: shop}
  channel: "#shop-perf"
services:
- name: shop
  profiles: ` + profiles + `
  investigate: manual
  functions:
    endpoints: [` + lb.URL + `]
    schedule: "@every 2s"
    profile: 2s
    lookback: 10m
`
	srv := startSlackServe(t, cfg)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("serve log:\n%s", quiet(srv.stderr.String()))
		}
	})

	// v1 runs for 16 captures and 3,000 samples (30 of pricing); then v2
	// is deployed
	eventually(t, 4*time.Minute, "16 captures and 3,000 samples of v1", func() bool {
		return captures.Load() >= 16 && fnSamples(t, filepath.Join(profiles, "shop")) >= 3000
	})
	second, _ := fnStart(t, v2)
	backend.Store(second)
	_ = old.Process.Kill()
	deployed := captures.Load()

	alerts := func() []slackCall { return topLevelAlerts(slack, "#shop-perf") }
	eventually(t, 5*time.Minute, "an alert in #shop-perf", func() bool { return len(alerts()) > 0 })
	text := callText(alerts()[0])
	if !strings.Contains(text, "main.computePrice") || !regexp.MustCompile(`\(R-\d+\)`).MatchString(text) {
		t.Fatalf("the alert does not name main.computePrice:\n%s", text)
	}
	// the service-level effect it reports is a few percent
	m := regexp.MustCompile(`\(\+(\d+\.\d+)% of the service's CPU\)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("the alert gives no service-level effect:\n%s", text)
	}
	if pct, _ := strconv.ParseFloat(m[1], 64); pct <= 0 || pct > 8 {
		t.Errorf("the alert says +%s%% of the service's CPU, want the few percent planted", m[1])
	}
	t.Logf("alerted after %d captures of v2 (%d samples in all): %s", captures.Load()-deployed,
		fnSamples(t, filepath.Join(profiles, "shop")), m[0])
	for _, f := range []string{"main.parseRequest", "main.renderPage"} {
		if strings.Contains(text, f) {
			t.Errorf("the alert names %s, which did not change:\n%s", f, text)
		}
	}
	// later captures find the same change again: no second alert
	seen := captures.Load()
	eventually(t, time.Minute, "5 more captures", func() bool { return captures.Load() >= seen+5 })
	if n := len(alerts()); n != 1 {
		t.Errorf("%d alerts after %d more captures, want 1:\n%v", n, captures.Load()-seen, alerts())
	}
	// every capture is kept for the investigation's profile diff
	kept, _ := filepath.Glob(filepath.Join(profiles, "shop", "*.pb.gz"))
	if int64(len(kept)) < deployed {
		t.Errorf("%d profiles kept in %s, want one per capture (>= %d)", len(kept), profiles, deployed)
	}
}

// fnSamples counts the CPU samples of the profiles captured in dir.
func fnSamples(t *testing.T, dir string) int64 {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.pb.gz"))
	var n int64
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // being written
		}
		p, err := profile.ParseData(b)
		if err != nil {
			continue
		}
		for _, s := range p.Sample {
			n += s.Value[0]
		}
	}
	return n
}
