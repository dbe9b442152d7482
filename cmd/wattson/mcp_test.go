package main

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// TestMCPHelperProcess is not a test: it is `wattson mcp` when the test
// binary is re-run by TestMCPOverStdio.
func TestMCPHelperProcess(t *testing.T) {
	if os.Getenv("WATTSON_MCP_HELPER") != "1" {
		t.Skip("helper process for TestMCPOverStdio")
	}
	getenv := func(k string) string {
		if k == "WATTSON_CONFIG" {
			return ""
		}
		return os.Getenv(k)
	}
	err := run(context.Background(), []string{"mcp"}, getenv, os.Stdin, os.Stdout, os.Stderr)
	os.Exit(exitCode(err, os.Stderr))
}

func TestMCPOverStdio(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestMCPHelperProcess$")
	cmd.Env = append(os.Environ(), "WATTSON_MCP_HELPER=1")
	cmd.Stderr = os.Stderr
	ctx := context.Background()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "v0"}, nil).Connect(ctx, &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = cs.Close() })
	list, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatalf("list tools: %v", err)
	}
	i := slices.IndexFunc(list.Tools, func(tl *mcp.Tool) bool { return tl.Name == "estimate_impact" })
	if i < 0 {
		t.Fatalf("estimate_impact not served; tools: %v", toolNames(list.Tools))
	}
	checkReadOnly(t, list.Tools[i])
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "estimate_impact", Arguments: map[string]any{"before": 0.010, "after": 0.012, "requests_per_second": 2000}})
	if err != nil {
		t.Fatalf("call: %v", err)
	}
	if res.IsError || !strings.Contains(text(res), "4.00 extra cores") {
		t.Fatalf("estimate_impact = %q (error %v)", text(res), res.IsError)
	}
}

func checkReadOnly(t *testing.T, tl *mcp.Tool) {
	t.Helper()
	a := tl.Annotations
	if a == nil || !a.ReadOnlyHint || a.DestructiveHint == nil || *a.DestructiveHint {
		t.Errorf("%s annotations = %+v, want readOnlyHint and not destructiveHint", tl.Name, a)
	}
}

func toolNames(ts []*mcp.Tool) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Name)
	}
	return out
}

func text(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}
