package agent

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/agent/agenttest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestWriteTextGolden(t *testing.T) {
	a, _, _, pb := setup(t, skills.VerdictInconclusive, Config{Model: "qwen2.5:14b"},
		calls(900, 40, agenttest.Call("c1", "list_changes", `{"from":"a","to":"b"}`)),
		calls(1300, 80, conclude("c2", map[string]any{
			"answer":     "pricing.Quote got slower in v1.8.0 [s3].",
			"facts":      []map[string]any{{"claim": "the deploy holds 2 commits", "steps": []string{"t1"}}},
			"hypotheses": []string{"the discount rules grew"},
			"suspect":    otherSHA, "suggest": "revert",
		})),
	)
	var b strings.Builder
	if err := a.Investigate(context.Background(), pb, input()).WriteText(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "result.golden")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update): %v", err)
	}
	if b.String() != string(want) {
		t.Errorf("WriteText differs from %s (run with -update if intended):\n%s", path, b.String())
	}
}
