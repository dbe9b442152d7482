package test

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// promRealSample is one sample to backfill into a real Prometheus.
type promRealSample struct {
	labels string // e.g. `service="checkout",instance="a"`
	value  float64
	ts     int64 // unix seconds
}

// promStartReal starts Debian's prometheus (2.42) on a free loopback port
// over a fresh storage directory holding samples of the gauge metric,
// backfilled with `promtool tsdb create-blocks-from openmetrics`, and
// returns its base URL. It scrapes nothing. When prometheus or promtool
// is missing it runs scripts/install-deps and skips only if that fails.
func promStartReal(t *testing.T, metric string, samples []promRealSample) string {
	t.Helper()
	bin, tool := promRealBinaries(t)
	dir := t.TempDir()
	var b strings.Builder
	fmt.Fprintf(&b, "# HELP %s backfilled by the test\n# TYPE %s gauge\n", metric, metric)
	for _, s := range samples {
		fmt.Fprintf(&b, "%s{%s} %s %d\n", metric, s.labels, strconv.FormatFloat(s.value, 'f', -1, 64), s.ts)
	}
	b.WriteString("# EOF\n")
	in, data := filepath.Join(dir, "in.om"), filepath.Join(dir, "data")
	if err := os.WriteFile(in, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(tool, "tsdb", "create-blocks-from", "openmetrics", "-q", in, data).CombinedOutput(); err != nil {
		t.Fatalf("promtool backfill: %v\n%s", err, out)
	}
	cfg := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfg, []byte("global:\n  scrape_interval: 1h\nscrape_configs: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	log, err := os.Create(filepath.Join(dir, "prometheus.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	cmd := exec.Command(bin, "--config.file="+cfg, "--storage.tsdb.path="+data, "--web.listen-address="+addr,
		"--storage.tsdb.retention.time=30d", "--log.level=warn")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	url := "http://" + addr
	eventually(t, 30*time.Second, "prometheus ready", func() bool {
		resp, err := http.Get(url + "/-/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return url
}

// promRealBinaries finds prometheus and promtool, installing them with
// scripts/install-deps when missing; it skips the test only when they
// are neither present nor installable.
func promRealBinaries(t *testing.T) (string, string) {
	t.Helper()
	look := func() (string, string, error) {
		bin, err := exec.LookPath("prometheus")
		if err != nil {
			return "", "", err
		}
		tool, err := exec.LookPath("promtool")
		return bin, tool, err
	}
	bin, tool, err := look()
	if err != nil {
		if out, ierr := exec.Command("../scripts/install-deps").CombinedOutput(); ierr != nil {
			t.Skipf("no prometheus/promtool (%v) and scripts/install-deps failed: %v\n%s", err, ierr, out)
		}
		if bin, tool, err = look(); err != nil {
			t.Skip("no prometheus/promtool after scripts/install-deps:", err)
		}
	}
	return bin, tool
}
