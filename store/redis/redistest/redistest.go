// Package redistest runs a real redis-server for tests: on a free loopback
// port, with its data in the test's temporary directory, stopped when the
// test ends. It is not a mock; tests that use it need the redis-server
// binary on PATH (`make test` installs it).
package redistest

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Option changes how Start runs the server.
type Option func(*config)

type config struct {
	appendOnly bool
}

// AppendOnly turns on the append-only file with appendfsync always, so that
// every acknowledged write survives a SIGKILL of the server.
func AppendOnly() Option {
	return func(c *config) { c.appendOnly = true }
}

// Server is a running redis-server owned by one test.
type Server struct {
	t    testing.TB
	cfg  config
	port int
	dir  string

	mu   sync.Mutex
	cmd  *exec.Cmd
	out  *lockedWriter // the server's log, shown when start-up fails
	done chan struct{} // closed when cmd has exited
}

// Start starts a redis-server for t (a test or a benchmark) and stops it
// when t ends. Without
// options the server keeps nothing on disk.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatalf("redis-server not found on PATH: the store tests run a real Redis; `make test` installs it (apt-get install redis-server): %v", err)
	}
	s := &Server{t: t, dir: t.TempDir()}
	for _, o := range opts {
		o(&s.cfg)
	}
	s.port = freePort(t)
	t.Cleanup(s.stop)
	s.start()
	return s
}

// Addr is the server's host:port.
func (s *Server) Addr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
}

// URL is a redis:// URL for the server.
func (s *Server) URL() string {
	return "redis://" + s.Addr() + "/0"
}

// Dir is the server's data directory.
func (s *Server) Dir() string {
	return s.dir
}

// Kill stops the server with SIGKILL, as a crash would, and waits for it
// to exit.
func (s *Server) Kill() {
	s.t.Helper()
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Kill()
	<-done
}

// Restart kills the server if it is running and starts it again on the
// same port and data directory.
func (s *Server) Restart() {
	s.t.Helper()
	s.Kill()
	s.start()
}

func (s *Server) start() {
	s.t.Helper()
	args := []string{
		"--port", strconv.Itoa(s.port),
		"--bind", "127.0.0.1",
		"--dir", s.dir,
		"--save", "",
		"--appendonly", "no",
		"--protected-mode", "no",
	}
	if s.cfg.appendOnly {
		args[len(args)-3] = "yes"
		args = append(args, "--appendfsync", "always")
	}
	out := new(lockedWriter)
	cmd := exec.Command("redis-server", args...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start redis-server: %v", err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	s.mu.Lock()
	s.cmd, s.out, s.done = cmd, out, done
	s.mu.Unlock()
	if err := waitReady(s.Addr(), done, 10*time.Second); err != nil {
		s.Kill()
		s.t.Fatalf("start redis-server on %s: %v\nserver log:\n%s", s.Addr(), err, out)
	}
}

func (s *Server) stop() {
	s.Kill()
}

// waitReady polls addr with PING until it answers PONG, the process exits,
// or timeout passes.
func waitReady(addr string, exited <-chan struct{}, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("redis-server exited during start-up")
		default:
		}
		if last = ping(addr); last == nil {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("no answer to PING after %s: %w", timeout, last)
}

// ping sends one PING over a fresh connection.
func ping(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Second))
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "+PONG") {
		return fmt.Errorf("PING answered %q", strings.TrimSpace(line))
	}
	return nil
}

// freePort asks the kernel for a free loopback port.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// lockedWriter collects the server's stdout and stderr.
type lockedWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p to the log.
func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// String returns the log so far.
func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
