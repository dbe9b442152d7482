package skills

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ChangeList is list_changes' result.
type ChangeList struct {
	// From and To bound the range.
	From string `json:"from"`
	To   string `json:"to"`
	// Module is the Go module path at To, when the repository has a go.mod.
	Module string `json:"module,omitempty"`
	// Commits are oldest first.
	Commits []Change `json:"commits"`
}

type changesArgs struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// NewListChanges returns the list_changes skill over host.
func NewListChanges(host CodeHost) Skill {
	info := Info{
		Name:        "list_changes",
		Description: "Lists the commits between two revisions with author, time, title, changed files and diffs.",
		Schema: json.RawMessage(`{"type":"object","required":["from","to"],"properties":{
"from":{"type":"string","description":"revision serving before (exclusive)"},
"to":{"type":"string","description":"revision deployed (inclusive)"}}}`),
	}
	return New(info, func(ctx context.Context, in changesArgs) (Output, error) {
		cs, err := host.Changes(ctx, in.From, in.To)
		if err != nil {
			return Output{}, fmt.Errorf("list changes: %w", err)
		}
		cl := ChangeList{From: in.From, To: in.To, Commits: cs}
		if cl.Module, err = ModulePath(ctx, host, in.To); err != nil && !errors.Is(err, ErrNotFound) {
			return Output{}, err
		}
		titles := make([]string, 0, 3)
		for i := len(cs) - 1; i >= 0 && len(titles) < 3; i-- {
			titles = append(titles, shortSHA(cs[i].SHA)+" "+cs[i].Title)
		}
		sum := fmt.Sprintf("%d commit(s) in %s..%s", len(cs), shortSHA(in.From), shortSHA(in.To))
		if len(titles) > 0 {
			sum += ", latest: " + strings.Join(titles, "; ")
		}
		return Output{Summary: sum, Data: cl}, nil
	})
}

// ModulePath reads the module path from go.mod at rev.
func ModulePath(ctx context.Context, host CodeHost, rev string) (string, error) {
	data, err := host.ReadFile(ctx, rev, "go.mod")
	if err != nil {
		return "", fmt.Errorf("read go.mod: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`), nil
		}
	}
	return "", fmt.Errorf("read go.mod: no module line: %w", ErrNotFound)
}
