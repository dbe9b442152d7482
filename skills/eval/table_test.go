package eval_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/eval"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestConfidentWrong(t *testing.T) {
	tests := []struct {
		name string
		r    eval.Result
		want bool
	}{
		{"right culprit", eval.Result{Culprit: "abc", Verdict: skills.VerdictCulprit, Top1: true}, false},
		{"wrong culprit", eval.Result{Culprit: "abc", Verdict: skills.VerdictCulprit, Top3: true}, true},
		{"culprit when none", eval.Result{Verdict: skills.VerdictCulprit}, true},
		{"inconclusive", eval.Result{Culprit: "abc", Verdict: skills.VerdictInconclusive}, false},
		{"abstained", eval.Result{Verdict: skills.VerdictNoCulprit}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.ConfidentWrong(); got != tt.want {
				t.Errorf("ConfidentWrong() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWriteTable(t *testing.T) {
	rs := []eval.Result{
		{ID: "g01", Culprit: "0123456789abcdef", Verdict: skills.VerdictCulprit, Basis: skills.BasisLines,
			Reason: "0123456 wrote the lines that carry 100% of the new cost in cart.Lookup", Top: []string{"0123456789abcdef"}, Top1: true, Top3: true, Duration: 1200 * time.Microsecond},
		{ID: "g02", Culprit: "fedcba", Verdict: skills.VerdictInconclusive, Top: []string{"x", "fedcba"}, Top3: true, Duration: 30 * time.Millisecond, Tokens: 812},
		{ID: "g03", Verdict: skills.VerdictNoCulprit, Basis: skills.BasisTiming, Reason: "no deploy explains a step that starts 5h0m0s after v1.1.0 finished rolling out", Duration: 5 * time.Millisecond},
		{ID: "g04", Duration: 2 * time.Millisecond, Error: "read truth.json: missing"},
	}
	var b strings.Builder
	if err := eval.WriteTable(&b, rs); err != nil {
		t.Fatalf("WriteTable: %v", err)
	}
	golden := filepath.Join("testdata", "table.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("table:\n%s\nwant (%s):\n%s", got, golden, want)
	}
}

func TestWriteTableConfidentWrong(t *testing.T) {
	var b strings.Builder
	err := eval.WriteTable(&b, []eval.Result{{ID: "g01", Verdict: skills.VerdictCulprit, Top: []string{"abc"}}})
	if !errors.Is(err, eval.ErrConfidentWrong) {
		t.Errorf("WriteTable error %v, want ErrConfidentWrong", err)
	}
	if !strings.Contains(b.String(), "confident-wrong 1\n") {
		t.Errorf("table %q does not count the confident-wrong verdict", b.String())
	}
}

func TestWriteTableEmpty(t *testing.T) {
	var b strings.Builder
	if err := eval.WriteTable(&b, nil); err != nil {
		t.Fatal(err)
	}
	want := "SCENARIO  TRUTH  VERDICT  DECIDED BY  TOP-1  TOP-3  TIME  TOKENS  ERRORS\n\nscenarios 0 (with culprit 0, without 0)\ntop-1 n/a  top-3 n/a  correct abstentions 0/0  confident-wrong 0\n"
	if got := b.String(); got != want {
		t.Errorf("table %q, want %q", got, want)
	}
}
