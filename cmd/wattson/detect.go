package main

import (
	"context"
	"fmt"
)

func cmdDetect(_ context.Context, args []string, e *env) error {
	fs := newFlagSet("detect", e)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return fmt.Errorf("detect: %w", errNotImplemented)
}
