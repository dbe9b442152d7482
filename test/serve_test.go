package test

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// server is a running `wattson serve`.
type server struct {
	cmd    *exec.Cmd
	addr   string // host:port it listens on
	stderr *lockedBuffer
	done   chan error
}

// startSlackServe writes cfg as the config and starts serve with the Slack
// credentials the fakes check, an embedded store in a fresh data dir and
// env on top.
func startSlackServe(t *testing.T, cfg string, env ...string) *server {
	t.Helper()
	path := filepath.Join(t.TempDir(), "wattson.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return startServe(t, append([]string{"SLACK_BOT_TOKEN=xoxb-e2e", "SLACK_SIGNING_SECRET=" + signingSecret,
		"WATTSON_DATA_DIR=" + t.TempDir()}, env...), "--config", path)
}

// startServe starts `wattson serve --listen 127.0.0.1:0` with env and the
// extra args, and waits until it logs the address it listens on.
func startServe(t *testing.T, env []string, args ...string) *server {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...)
	cmd.Dir = t.TempDir()
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + cmd.Dir}, env...)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, stderr: &lockedBuffer{}, done: make(chan error, 1)}
	addrc := make(chan string, 1)
	listening := regexp.MustCompile(`msg=listening addr=(\S+)`)
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			line := sc.Text()
			s.stderr.WriteLine(line)
			if m := listening.FindStringSubmatch(line); m != nil {
				addrc <- m[1]
			}
		}
		s.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
	})
	select {
	case s.addr = <-addrc:
	case err := <-s.done:
		t.Fatalf("wattson serve exited early: %v\n%s", err, s.stderr)
	case <-time.After(30 * time.Second):
		t.Fatalf("wattson serve did not start listening:\n%s", s.stderr)
	}
	return s
}

// stop sends SIGTERM and waits for a clean exit.
func (s *server) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("wattson serve exited with %v after SIGTERM:\n%s", err, s.stderr)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("wattson serve did not stop after SIGTERM:\n%s", s.stderr)
	}
}

func (s *server) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + s.addr + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestServeHealthReadyMetricsAndShutdown(t *testing.T) {
	dataDir := t.TempDir()
	s := startServe(t, []string{"WATTSON_DATA_DIR=" + dataDir})
	for _, path := range []string{"/healthz", "/readyz"} {
		if code, body := s.get(t, path); code != 200 {
			t.Errorf("%s: %d %s", path, code, body)
		}
	}
	if code, body := s.get(t, "/metrics"); code != 200 || !strings.Contains(body, "go_goroutines") {
		t.Errorf("/metrics: %d, %.200s", code, body)
	}
	s.stop(t)
	if _, err := os.Stat(filepath.Join(dataDir, "wattson.db")); err != nil {
		t.Errorf("embedded store not created in WATTSON_DATA_DIR: %v", err)
	}
}

func TestServeCorruptEmbeddedStore(t *testing.T) {
	dataDir := t.TempDir()
	db := filepath.Join(dataDir, "wattson.db")
	garbage := bytes.Repeat([]byte("not a bbolt database\n"), 1000)
	if err := os.WriteFile(db, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	r := wattson(t, []string{"WATTSON_DATA_DIR=" + dataDir}, "serve", "--listen", "127.0.0.1:0")
	if r.code != 1 || !strings.Contains(r.stderr, db) || !strings.Contains(r.stderr, "corrupt") {
		t.Errorf("exit %d, stderr %q; want 1 naming the file as corrupt", r.code, r.stderr)
	}
	after, err := os.ReadFile(db)
	if err != nil || !bytes.Equal(after, garbage) {
		t.Errorf("corrupt store file was modified (err %v)", err)
	}
}

func TestServeBadRedis(t *testing.T) {
	tests := []struct {
		name, url string
		want      []string
	}{
		{"unreachable", "redis://127.0.0.1:1/0", []string{"127.0.0.1:1"}},
		{"bad url", "mysql://user:hunter2@db:3306", []string{"redis"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := wattson(t, []string{"WATTSON_REDIS_URL=" + tt.url}, "serve", "--listen", "127.0.0.1:0")
			if r.code != 1 {
				t.Errorf("exit %d, want 1; stderr %q", r.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr %q does not mention %q", r.stderr, w)
				}
			}
			if strings.Contains(r.stderr, "hunter2") {
				t.Errorf("stderr leaks the password: %q", r.stderr)
			}
		})
	}
}
