package main

import (
	"context"
	"fmt"
)

func cmdMCP(_ context.Context, args []string, e *env) error {
	fs := newFlagSet("mcp", e)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return fmt.Errorf("mcp: %w", errNotImplemented)
}
