package main

import (
	"context"
	"fmt"
)

func cmdServe(_ context.Context, args []string, e *env) error {
	fs := newFlagSet("serve", e)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return fmt.Errorf("serve: %w", errNotImplemented)
}
