package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/skills/offenseeval"
	"github.com/wattson-dev/wattson/skills/offenseeval/corpustest"
)

func TestEvalOffense(t *testing.T) {
	dir := corpustest.Write(t, 500*time.Millisecond, "skus")
	out, errOut, code := runCmd(t, nil, "eval", "offense", "--corpus", dir, "--format", "json", "--count", "3", "--benchtime", "20ms")
	if code != 0 {
		t.Fatalf("eval offense exited %d: %s", code, errOut)
	}
	var rep offenseeval.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("eval offense output %q: %v", out, err)
	}
	if rep.Cases != 1 || len(rep.Fixes) != 1 || !rep.Fixes[0].Planted || rep.Fixes[0].Outcome != "prepared" || !rep.Fixes[0].Tested {
		t.Errorf("report %+v, want the planted regexp found and its fix prepared with passing tests", rep)
	}

	for _, tt := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"eval", "offense"}, 2, "--corpus is required"},
		{[]string{"eval", "offense", "--corpus", dir, "--count", "1"}, 2, "--count must be at least 2"},
		{[]string{"eval", "offense", "--corpus", dir, "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"eval", "offense", "--corpus", t.TempDir()}, 1, "no case (a directory with case.json)"},
	} {
		if _, errOut, code := runCmd(t, nil, tt.args...); code != tt.code || !strings.Contains(errOut, tt.says) {
			t.Errorf("%v: exit %d, stderr %q; want %d saying %q", tt.args, code, errOut, tt.code, tt.says)
		}
	}
}
