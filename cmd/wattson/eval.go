package main

import (
	"context"
	"fmt"
)

func cmdEval(_ context.Context, args []string, e *env) error {
	fs := newFlagSet("eval", e)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return fmt.Errorf("eval: %w", errNotImplemented)
}
