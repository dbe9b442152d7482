package offenseeval_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/skills/benchcheck"
	"github.com/wattson-dev/wattson/skills/library"
	"github.com/wattson-dev/wattson/skills/offenseeval"
	"github.com/wattson-dev/wattson/skills/offenseeval/corpustest"
	"github.com/wattson-dev/wattson/skills/opportunity"
)

func TestRunCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("builds, tests and benchmarks six modules")
	}
	lib, _ := library.Load("")
	pats, errs := opportunity.LoadPatterns(lib)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	dir := corpustest.Write(t, time.Second)
	rep, err := offenseeval.Run(context.Background(), dir, offenseeval.Options{Patterns: pats,
		Bench: benchcheck.Options{Count: 6, BenchTime: "50ms"}})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := rep.WriteTable(&out); err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", out.String())
	s := rep.Summarize()
	if rep.Cases != 6 || s.TruePositives != 5 || len(rep.Missed) != 0 || s.Findings != s.TruePositives {
		t.Errorf("cases %d, findings %d (%d planted), missed %v; want 6 cases and the 5 planted found, nothing else",
			rep.Cases, s.Findings, s.TruePositives, rep.Missed)
	}
	if s.Mechanical != 4 || s.Passing != 4 || s.ChangedBehaviour != 0 {
		t.Errorf("mechanical fixes %d, passing %d, changed behaviour %d; want 4 made, 4 passing, none changing behaviour",
			s.Mechanical, s.Passing, s.ChangedBehaviour)
	}
	for _, f := range rep.Fixes {
		if f.Case == "prefix" && f.Outcome != "suggestion" {
			t.Errorf("the regexp built from an argument was rewritten (%s): it must stay a suggestion", f.Outcome)
		}
	}
}
