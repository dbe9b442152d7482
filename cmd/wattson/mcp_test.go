package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/wattson-dev/wattson/skills"
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

func TestMCPServesOnlyReadOnlySkills(t *testing.T) {
	reg := skills.NewRegistry()
	reg.Add(skills.NewEstimateImpact(10))
	reg.Add(skills.ReadOnly(skills.New(skills.Info{Name: "echo", Description: "Echoes.", Schema: json.RawMessage(`{"type":"object","required":["s"],"properties":{"s":{"type":"string"}}}`)},
		func(_ context.Context, in struct {
			S string `json:"s"`
		}) (skills.Output, error) {
			return skills.Output{Summary: in.S, Data: map[string]string{"s": in.S}}, nil
		})))
	ran := false
	reg.Add(skills.New(skills.Info{Name: "propose_revert", Description: "Opens a revert PR.", Schema: json.RawMessage(`{"type":"object"}`)},
		func(context.Context, struct{}) (skills.Output, error) { ran = true; return skills.Output{}, nil }))
	srv := newMCPServer(reg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	st, ct := mcp.NewInMemoryTransports()
	ctx := context.Background()
	ss, err := srv.Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ss.Close() })
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "v0"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cs.Close() })
	list, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(toolNames(list.Tools), ","); got != "echo,estimate_impact" {
		t.Fatalf("tools = %s", got)
	}
	for _, tl := range list.Tools {
		checkReadOnly(t, tl)
	}
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"s": "hi"}})
	if err != nil || res.IsError || text(res) != "hi" {
		t.Fatalf("echo = %+v, %v", res, err)
	}
	if sc, _ := json.Marshal(res.StructuredContent); !strings.Contains(string(sc), `"data":{"s":"hi"}`) {
		t.Errorf("structured content %s", sc)
	}
	res, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{}})
	if err != nil || !res.IsError || !strings.Contains(text(res), `missing required argument "s"`) {
		t.Fatalf("echo without s = %+v, %v", res, err)
	}
	if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "propose_revert", Arguments: map[string]any{}}); err == nil || ran {
		t.Fatalf("propose_revert was callable (ran %v, err %v)", ran, err)
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
