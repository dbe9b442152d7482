package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

func printHelp(w io.Writer) {
	fmt.Fprint(w, `wattson finds performance regressions, investigates them and proposes fixes from chat.

Usage:
  wattson <subcommand> [flags]

Subcommands:
`)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	tw.Flush()
	fmt.Fprint(w, `
Run 'wattson help <subcommand>' or 'wattson <subcommand> -h' for its flags.

Environment:
  WATTSON_CONFIG        path of the YAML config file (same as --config)
  WATTSON_DATA_DIR      data directory for the embedded store (default ./wattson-data)
  WATTSON_REDIS_URL     use the Redis store at this URL instead of the embedded one
  SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN
  DISCORD_BOT_TOKEN, DISCORD_PUBLIC_KEY, DISCORD_APPLICATION_ID
  GITHUB_TOKEN, OPENAI_API_KEY, OPENAI_BASE_URL, WATTSON_LLM_MODEL
`)
}

// printFlags prints c's flags and their defaults, as c's -h shows them.
func printFlags(ctx context.Context, c command, e *env) {
	var b strings.Builder
	err := c.run(ctx, []string{"-h"}, &env{getenv: e.getenv, stdin: strings.NewReader(""), stdout: io.Discard, stderr: &b})
	if _, flags, ok := strings.Cut(b.String(), "\nFlags:\n"); ok && errors.Is(err, errHelpShown) && flags != "" {
		fmt.Fprintf(e.stdout, "\nFlags:\n%s", flags)
	}
}

func cmdHelp(ctx context.Context, args []string, e *env) error {
	if len(args) == 0 {
		printHelp(e.stdout)
		return nil
	}
	if len(args) > 1 {
		return usageErrorf("help: takes at most one subcommand, got %d arguments", len(args))
	}
	for _, c := range commands() {
		if c.name == args[0] {
			fmt.Fprintf(e.stdout, "wattson %s — %s\n\nUsage:\n  wattson %s %s\n", c.name, c.summary, c.name, c.usage)
			printFlags(ctx, c, e)
			return nil
		}
	}
	return usageErrorf("help: unknown subcommand %q", args[0])
}

func cmdVersion(_ context.Context, args []string, e *env) error {
	if len(args) > 0 {
		return usageErrorf("version: takes no arguments")
	}
	fmt.Fprintf(e.stdout, "wattson %s\n", version)
	return nil
}
