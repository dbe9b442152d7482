package test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBadInput runs detect and investigate as a careless user would, on
// bad files and flags, and checks each run: its exit status, a line on
// stderr naming what is wrong and where, and no panic or goroutine dump.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	file := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	steps := func(n int, at func(i int) string) string {
		var b strings.Builder
		b.WriteString("time,value\n")
		for i := range n {
			fmt.Fprintf(&b, "%d,%s\n", 1_760_000_000+i*300, at(i))
		}
		return b.String()
	}
	r := rand.New(rand.NewPCG(1, 2))
	noisy := func(i int) string { return fmt.Sprintf("%.3f", 100+r.NormFloat64()+float64(i/200)*10) }
	promDoc := func(service string, n int) string {
		var b strings.Builder
		fmt.Fprintf(&b, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"cpu","service":%q},"values":[`, service)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `[%d,"%.3f"]`, 1_760_000_000+i*300, 100+r.NormFloat64()+float64(i/200)*10)
		}
		b.WriteString("]}]}}")
		return b.String()
	}
	var (
		empty     = file("empty.json", "")
		truncated = file("truncated.json", `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2,`)
		notMatrix = file("vector.json", `{"status":"success","data":{"resultType":"vector","result":[]}}`)
		errStatus = file("error.json", `{"status":"error","errorType":"bad_data","error":"parse error"}`)
		nanCSV    = file("holes.csv", steps(400, func(i int) string {
			if i == 17 || i == 30 {
				return "NaN"
			}
			return noisy(i)
		}))
		infCSV    = file("inf.csv", steps(400, func(i int) string { return map[bool]string{true: "+Inf", false: noisy(i)}[i == 5] }))
		allNaN    = file("allnan.csv", steps(50, func(int) string { return "NaN" }))
		short     = file("short.csv", steps(3, noisy))
		badValue  = file("badvalue.csv", "time,value\n1760000000,1\n1760000300,lots\n")
		unordered = file("unordered.csv", "time,value\n1760000300,1\n1760000000,2\n")
		fine      = file("fine.csv", steps(400, noisy))
		other     = file("other.json", promDoc("other", 400))
		cpu       = file("cpu.json", promDoc("api", 400))
		badDeploy = file("deploys.json", `[{"time":"yesterday","revision":"abcdef0"}]`)
		notGit    = t.TempDir()
		noProfile = filepath.Join(dir, "no-such-profiles")
		job       = func(extra string) string {
			return "detection:\n  prometheus: http://127.0.0.1:9090\n  jobs:\n  - name: cpu\n    query: up\n    schedule: \"*/15 * * * *\"\n    step: 5m\n    lookback: 24h\n" + extra
		}
		cronTypo  = file("cron.yaml", strings.Replace(job(""), "*/15 * * * *", "*/61 * * * *", 1))
		ftpProm   = file("ftp.yaml", strings.Replace(job(""), "http://127.0.0.1:9090", "ftp://prom:21", 1))
		badQuery  = file("promql.yaml", strings.Replace(job(""), "query: up", "query: rate(up[5m]", 1))
		badPolicy = file("auto.yaml", job("    investigate: sometimes\n"))
		negative  = file("negative.yaml", "slack:\n  min_interval: -1s\n")
		badListen = file("listen.yaml", "server:\n  listen: http://0.0.0.0:8080\n")
		unknown   = file("unknown.yaml", "detection:\n  promethues: http://127.0.0.1:9090\n")
		badYAML   = file("syntax.yaml", "detection:\n  jobs: [\n")
		nameRule  = file("rule.yaml", "chat:\n  platforms: [slack]\nslack:\n  bot_token: xoxb-1\n  signing_secret: s\napprovers:\n- channel: \"#perf\"\n  users: [U1]\n")
		badLLM    = file("llm.yaml", "llm:\n  base_url: \"http://a b\"\n  model: m\n")
	)
	tests := []struct {
		name string
		args []string
		code int
		want []string // each on one stderr line starting "wattson: "
	}{
		{"empty file", []string{"detect", "--input", empty}, 1, []string{empty, "empty"}},
		{"truncated JSON", []string{"detect", "--input", truncated}, 1, []string{truncated, "line 1 column"}},
		{"not a matrix", []string{"detect", "--input", notMatrix}, 1, []string{notMatrix, `result type "vector"`}},
		{"error response", []string{"detect", "--input", errStatus}, 1, []string{errStatus, `status "error"`}},
		{"missing file", []string{"detect", "--input", filepath.Join(dir, "nope.csv")}, 1, []string{"nope.csv", "no such file"}},
		{"NaN points", []string{"detect", "--input", nanCSV}, 0, []string{nanCSV, "skipped 2 of 400 points that are NaN or Inf, at index 17, 30"}},
		{"Inf point", []string{"detect", "--input", infCSV}, 0, []string{infCSV, "skipped 1 of 400", "index 5"}},
		{"all NaN", []string{"detect", "--input", allNaN}, 1, []string{allNaN, "no usable data", "no finite values"}},
		{"too short", []string{"detect", "--input", short}, 1, []string{short, "no usable data", "too few to judge"}},
		{"bad value", []string{"detect", "--input", badValue}, 1, []string{badValue, "line 3", `"lots" is not a number`}},
		{"times out of order", []string{"detect", "--input", unordered}, 1, []string{unordered, "line 3", "not after the previous row"}},
		{"over --max-points", []string{"detect", "--input", fine, "--max-points", "100"}, 1, []string{fine, "more than the limit of 100", "--max-points"}},
		{"bad --max-points", []string{"detect", "--input", fine, "--max-points", "-1"}, 2, []string{"--max-points must be positive"}},
		{"bad --format", []string{"detect", "--input", fine, "--format", "yaml"}, 2, []string{`--format must be text or json, got "yaml"`}},
		{"bad --input-format", []string{"detect", "--input", fine, "--input-format", "xls"}, 2, []string{`--input-format must be prom, csv or tcpd`}},
		{"bad --start", []string{"detect", "--prometheus", "http://127.0.0.1:1", "--query", "up", "--start", "last week"}, 2, []string{"--start", `"last week"`}},
		{"Prometheus down", []string{"investigate", "--service", "api", "--prometheus", "http://127.0.0.1:1", "--repo", notGit, "--profiles", noProfile},
			1, []string{"all 6 steps failed", "find_change_point"}},
		{"no series, no git, no profiles", []string{"investigate", "--service", "api", "--metrics", other, "--repo", notGit, "--profiles", noProfile},
			1, []string{"all 6 steps failed"}},
		{"unreadable metrics", []string{"investigate", "--service", "api", "--metrics", truncated, "--repo", notGit}, 1, []string{truncated, "line 1 column"}},
		{"deploy log with a bad time", []string{"investigate", "--service", "api", "--metrics", cpu, "--deploys", badDeploy, "--repo", notGit},
			1, []string{badDeploy, `record 1: time "yesterday" is not RFC 3339`}},
		{"investigate bad --at", []string{"investigate", "--service", "api", "--at", "yesterday"}, 2, []string{"--at"}},
		{"config: cron step beyond the field", []string{"serve", "--check-config", "--config", cronTypo}, 1, []string{"detection.jobs[0].schedule", "*/61"}},
		{"config: ftp Prometheus", []string{"serve", "--check-config", "--config", ftpProm}, 1, []string{"detection.prometheus", "scheme ftp"}},
		{"config: PromQL syntax error", []string{"serve", "--check-config", "--config", badQuery}, 1, []string{"detection.jobs[0].query", "parse error"}},
		{"config: investigate neither auto nor manual", []string{"serve", "--check-config", "--config", badPolicy}, 1, []string{"detection.jobs[0].investigate", `"sometimes"`}},
		{"config: negative duration", []string{"serve", "--check-config", "--config", negative}, 1, []string{"slack.min_interval"}},
		{"config: listen is a URL", []string{"serve", "--check-config", "--config", badListen}, 1, []string{"server.listen"}},
		{"config: unknown key", []string{"serve", "--check-config", "--config", unknown}, 1, []string{unknown, "promethues"}},
		{"config: YAML syntax", []string{"serve", "--check-config", "--config", badYAML}, 1, []string{badYAML}},
		{"config: approver rule names a channel", []string{"serve", "--check-config", "--config", nameRule}, 1, []string{"approvers[0].channel", "channel name"}},
		{"config: unparsable LLM URL", []string{"serve", "--check-config", "--config", badLLM}, 1, []string{"llm.base_url"}},
		{"serve --listen is a URL", []string{"serve", "--listen", "http://0.0.0.0:8080"}, 2, []string{"--listen"}},
		{"config: missing file", []string{"serve", "--check-config", "--config", filepath.Join(dir, "nope.yaml")}, 1, []string{"nope.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := wattson(t, nil, tt.args...)
			checkBadRun(t, res.code, res.stderr, tt.code, tt.want)
		})
	}
}

// checkBadRun checks an exit status, that one stderr line holds every
// string of want, and that nothing panicked.
func checkBadRun(t *testing.T, code int, stderr string, wantCode int, want []string) {
	t.Helper()
	if code != wantCode {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, wantCode, stderr)
	}
	if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
		t.Errorf("stderr shows a panic or goroutine dump:\n%s", stderr)
	}
	for _, line := range strings.Split(stderr, "\n") {
		if !strings.HasPrefix(line, "wattson: ") {
			continue
		}
		all := true
		for _, w := range want {
			all = all && strings.Contains(line, w)
		}
		if all {
			return
		}
	}
	t.Errorf("no stderr line starting \"wattson: \" holds all of %q:\n%s", want, stderr)
}

// TestBadInputSIGTERM signals a detect run on a million points a second
// in: it stops within about a second with exit status 1, saying why.
func TestBadInputSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a million-point file")
	}
	var b bytes.Buffer
	b.WriteString("time,value\n")
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 1_000_000 {
		// A ladder of steps on a slow drift: many passes for the detector.
		fmt.Fprintf(&b, "%d,%.3f\n", 1_700_000_000+i*60, r.NormFloat64()+float64(i/5000%2)*3+1e-5*float64(i))
	}
	p := filepath.Join(t.TempDir(), "big.csv")
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, "detect", "--input", p)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		t.Fatalf("detect finished before the signal (%v): make the input slower", err)
	case <-time.After(time.Second):
	}
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("detect still running 10 s after SIGTERM")
	}
	t.Logf("detect exited %s after SIGTERM", time.Since(sent).Round(10*time.Millisecond))
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("detect after SIGTERM: %v, want a non-zero exit", err)
	}
	checkBadRun(t, exit.ExitCode(), errb.String(), 1, []string{"stopped before the end", "context canceled"})
	if out.Len() != 0 {
		t.Errorf("stdout after SIGTERM: %q, want nothing", out.String())
	}
}
