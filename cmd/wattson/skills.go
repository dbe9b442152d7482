package main

import (
	"context"
	"fmt"
)

func cmdSkills(_ context.Context, args []string, e *env) error {
	fs := newFlagSet("skills", e)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return fmt.Errorf("skills: %w", errNotImplemented)
}
