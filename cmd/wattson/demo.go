package main

import (
	"context"
	"fmt"
)

func cmdDemo(_ context.Context, args []string, e *env) error {
	fs := newFlagSet("demo", e)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return fmt.Errorf("demo: %w", errNotImplemented)
}
