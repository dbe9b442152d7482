package mcpserver

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/wattson-dev/wattson/skills"
)

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
	srv := New(reg, "test", slog.New(slog.NewTextHandler(io.Discard, nil)))
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
