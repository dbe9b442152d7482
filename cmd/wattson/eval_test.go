package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/detector/eval"
)

// writeTree writes files (path relative to a new directory -> body) and
// returns the directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestEvalPerfSeries(t *testing.T) {
	series := promFile(`{"case":"c1"}`, 1_760_000_000, stepValues(864, 400, 5, 1))
	truth := `{"step_seconds":300,"n_points":864,"cases":{"c1":{"profile":"gaussian","sigma":1,` +
		`"changes":[{"index":400,"direction":"up","shift_sigma":5}]}}}`
	dir := writeTree(t, map[string]string{"series.json": series, "truth.json": truth})
	out, errOut, code := runCmd(t, nil, "eval", "detector", "--perfseries", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"precision", "1.000", "MDE90", "5 sigma", "false alarms / 100 series-days"} {
		if !strings.Contains(out, want) {
			t.Errorf("output %q lacks %q", out, want)
		}
	}
}

func TestEvalTCPD(t *testing.T) {
	files := map[string]string{}
	ann := map[string]map[string][]int{}
	for i, name := range eval.TCPDDatasets() {
		files[filepath.Join("datasets", name, name+".json")] = tcpdFile(name, stepValues(100, 50, 10, uint64(i)))
		ann[name] = map[string][]int{"1": {50}}
	}
	b, _ := json.Marshal(ann)
	files["annotations.json"] = string(b)
	out, errOut, code := runCmd(t, nil, "eval", "detector", "--tcpd", writeTree(t, files))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := fmt.Sprintf("MEAN (%d datasets)", len(eval.TCPDDatasets()))
	if !strings.Contains(out, want) || !strings.Contains(out, "[50]") {
		t.Errorf("output %q lacks %q or the predicted [50]", out, want)
	}
}

func TestEvalUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"eval"}, "want 'eval detector"},
		{[]string{"eval", "investigator-of-doom"}, "want 'eval detector"},
		{[]string{"eval", "detector"}, "give exactly one of --tcpd DIR, --perfseries DIR or --functions DIR"},
		{[]string{"eval", "detector", "--tcpd", "a", "--perfseries", "b"}, "give exactly one"},
		{[]string{"eval", "detector", "--tcpd", "a", "extra"}, `unexpected argument "extra"`},
		{[]string{"eval", "detector", "--bogus"}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		_, errOut, code := runCmd(t, nil, tt.args...)
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("wattson %v: exit %d, stderr %q; want exit 2 mentioning %q", tt.args, code, errOut, tt.want)
		}
	}
}

func TestEvalBadData(t *testing.T) {
	bad := writeTree(t, map[string]string{"series.json": "{\"status\":\n  oops}", "truth.json": "{}"})
	_, errOut, code := runCmd(t, nil, "eval", "detector", "--perfseries", bad)
	if code != 1 || !strings.Contains(errOut, filepath.Join(bad, "series.json")) || !strings.Contains(errOut, "line 2") {
		t.Errorf("malformed series.json: exit %d, stderr %q", code, errOut)
	}
	_, errOut, code = runCmd(t, nil, "eval", "detector", "--tcpd", t.TempDir())
	if code != 1 || !strings.Contains(errOut, "annotations.json") {
		t.Errorf("missing annotations: exit %d, stderr %q", code, errOut)
	}
}
