package test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// startRedis starts a real redis-server on a free loopback port, keeping
// nothing on disk, and returns its URL.
func startRedis(t *testing.T) string {
	t.Helper()
	url, _ := startStoppableRedis(t)
	return url
}

// startStoppableRedis is startRedis that also returns a func that kills
// the server, as an outage would.
func startStoppableRedis(t *testing.T) (string, func()) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("no redis-server (make deps installs it):", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", t.TempDir(), "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop := func() { once.Do(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }) }
	t.Cleanup(stop)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	eventually(t, 10*time.Second, "redis-server accepting connections", func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return "redis://" + addr + "/0", stop
}

// promGate fronts the fake Prometheus for several replicas, each given the
// base URL URL+"/r<n>" so that the gate knows who asks. The detection
// query passes at once; an investigation's queries wait delay, except the
// very first, which is held until its replica goes away: that replica is
// then certainly mid-investigation, and the test kills it.
type promGate struct {
	URL     string
	held    chan int // receives the replica whose query is held
	mu      sync.Mutex
	holding bool
}

func newPromGate(t *testing.T, prom *httptest.Server, detectQuery string, delay time.Duration) *promGate {
	t.Helper()
	u, _ := url.Parse(prom.URL)
	proxy := httputil.NewSingleHostReverseProxy(u)
	g := &promGate{held: make(chan int, 1)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		replica, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/r"), "/")
		n, err := strconv.Atoi(replica)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		_ = r.ParseForm()
		if r.Form.Get("query") != detectQuery && r.Form.Get("match[]") != detectQuery { // a detection lists its series first
			wait := time.After(delay)
			g.mu.Lock()
			first := !g.holding
			g.holding = true
			g.mu.Unlock()
			if first {
				g.held <- n
				wait = nil // until the replica is killed
			}
			select {
			case <-wait:
			case <-r.Context().Done():
				return
			}
		}
		r.URL.Path = "/" + rest
		r.Body = http.NoBody
		r.URL.RawQuery = r.Form.Encode()
		r.ContentLength = 0
		r.Method = http.MethodGet
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	g.URL = srv.URL
	return g
}

// hotProgram is a service whose CPU goes to compiling a regexp per call.
const hotProgram = `package main

import (
	"os"
	"regexp"
	"runtime/pprof"
	"time"
)

func validEmail(s string) bool {
	return regexp.MustCompile(` + "`^[a-z0-9._]+@[a-z0-9]+\\.(com|org|net)$`" + `).MatchString(s)
}

func main() {
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		panic(err)
	}
	n := 0
	for end := time.Now().Add(time.Second); time.Now().Before(end); {
		for range 100 {
			if validEmail("bob@example.com") {
				n++
			}
		}
	}
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil || n == 0 {
		panic(err)
	}
}
`

// hotProfiles builds and profiles hotProgram as service's one CPU profile
// and returns the profiles root (profiles/<service>/<RFC 3339>.pb.gz).
func hotProfiles(t *testing.T, service string) string {
	t.Helper()
	src := t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "main.go"), []byte(hotProgram), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte("module example.com/hot\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(src, "hot")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = src
	build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the hot program: %v\n%s", err, out)
	}
	root := t.TempDir()
	dir := filepath.Join(root, service)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, time.Now().UTC().Truncate(time.Second).Format(time.RFC3339)+".pb.gz")
	if b, err := exec.Command(bin, out).CombinedOutput(); err != nil {
		t.Fatalf("profile the hot program: %v\n%s", err, b)
	}
	return root
}
