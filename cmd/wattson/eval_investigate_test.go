package main

import (
	"bytes"
	"context"
	"os"
	"testing"
)

// TestEvalInvestigateScenarios runs the evaluation over the directory in
// $WATTSON_SCENARIOS, when set (the shared scenarios are not part of the
// repository).
func TestEvalInvestigateScenarios(t *testing.T) {
	dir := os.Getenv("WATTSON_SCENARIOS")
	if dir == "" {
		t.Skip("WATTSON_SCENARIOS not set")
	}
	var out bytes.Buffer
	e := &env{getenv: func(string) string { return "" }, stdout: &out, stderr: &out}
	err := evalInvestigate(context.Background(), []string{"--scenarios", dir}, e)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
}
