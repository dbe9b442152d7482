package main

import (
	"context"
	"fmt"
)

func cmdInvestigate(_ context.Context, args []string, e *env) error {
	fs := newFlagSet("investigate", e)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return fmt.Errorf("investigate: %w", errNotImplemented)
}
