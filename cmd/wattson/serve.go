package main

import (
	"context"
	"flag"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// configFlag registers --config on fs, defaulting to $WATTSON_CONFIG.
func configFlag(fs *flag.FlagSet, e *env) *string {
	return fs.String("config", e.getenv("WATTSON_CONFIG"), "YAML config `file` (default $WATTSON_CONFIG; none: embedded defaults)")
}

func cmdServe(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("serve", e)
	path := configFlag(fs, e)
	check := fs.Bool("check-config", false, "validate the config, print it with secrets redacted, and exit")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("serve: unexpected argument %q", fs.Arg(0))
	}
	cfg, err := loadConfig(*path, e.getenv)
	if err != nil {
		return err
	}
	if *check {
		return printConfig(e, cfg)
	}
	return fmt.Errorf("serve: %w", errNotImplemented)
}

// printConfig writes the effective config as YAML, secrets redacted.
func printConfig(e *env, cfg config) error {
	fmt.Fprintln(e.stdout, "# effective configuration (secrets redacted)")
	enc := yaml.NewEncoder(e.stdout)
	enc.SetIndent(2)
	if err := enc.Encode(cfg); err != nil {
		return fmt.Errorf("print config: %w", err)
	}
	return enc.Close()
}
