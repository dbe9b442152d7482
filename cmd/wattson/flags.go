package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
)

// errHelpShown reports that -h printed a subcommand's usage; it exits 0.
var errHelpShown = errors.New("help shown")

// newFlagSet returns a flag set for subcommand name whose usage and errors go
// to e.stderr; parse it with parseFlags.
func newFlagSet(name string, e *env) *flag.FlagSet {
	fs := flag.NewFlagSet("wattson "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	for _, c := range commands() {
		if c.name == name {
			fs.Usage = func() {
				fmt.Fprintf(e.stderr, "Usage:\n  wattson %s %s\n\n%s\n\nFlags:\n", c.name, c.usage, c.summary)
				fs.PrintDefaults()
			}
		}
	}
	return fs
}

// parseFlags parses args into fs and turns a flag error into a usage error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return errHelpShown
	}
	if err != nil {
		return usageErrorf("%s: %v", strings.TrimPrefix(fs.Name(), "wattson "), err)
	}
	return nil
}
