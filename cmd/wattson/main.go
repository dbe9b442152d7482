// Command wattson is the Wattson chat-ops bot and its tools: the server, the
// detector, investigations, evaluation, the demo, and the MCP server.
//
// main only builds a signal-aware context and calls run; run parses the
// subcommand and its flags, loads configuration through getenv, wires the
// packages together and blocks until the work is done or the context ends.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	goredis "github.com/redis/go-redis/v9"
	"github.com/wattson-dev/wattson/store/redis"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	goredis.SetLogger(redis.DebugLog{}) // process-wide: dial retries at debug level

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// env is what every subcommand receives from run: the process's environment
// and standard streams, injected so tests can drive run in-process.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand of wattson.
type command struct {
	name    string
	summary string
	usage   string // the argument synopsis shown by help
	run     func(ctx context.Context, args []string, e *env) error
}

// commands lists every subcommand in the order help shows them.
func commands() []command {
	return []command{
		{"serve", "run the bot: chat adapters, scheduled detection, investigations", "[--config FILE] [--check-config]", cmdServe},
		{"detect", "find change points and regressions in a metric series", "--input FILE | --prometheus URL --query Q --start T --end T --step D | --profiles DIR --service NAME [--requests FILE] [--deploys FILE] [--format text|json]", cmdDetect},
		{"investigate", "investigate a regression and name the likely culprit", "(--metrics FILE... | --prometheus URL) [--deploys FILE] (--repo PATH | --github OWNER/REPO) --profiles DIR --service NAME [--metric NAME] [--at TIME] [--format text|json]", cmdInvestigate},
		{"eval", "score the detector, investigations or the offense against a labelled data set", "detector --tcpd DIR | detector --perfseries DIR | detector --functions DIR | investigate --scenarios DIR | offense --corpus DIR [--generate]", cmdEval},
		{"offense", "scan a service's profiles for known inefficiencies; --fix prepares each checked, benchmarked fix", "--profiles DIR (--repo PATH | --github OWNER/REPO --checkout PATH) --service NAME [--fix] [--base REV] [--format text|json]", cmdOffense},
		{"demo", "run the whole loop on a generated sample service", "[--yes]", cmdDemo},
		{"skills", "list the skills available with this configuration", "[--config FILE]", cmdSkills},
		{"mcp", "serve the skills to other agents over the Model Context Protocol", "[--config FILE]", cmdMCP},
		{"store", "check or back up the embedded store file", "check FILE | backup FILE DEST", cmdStore},
		{"version", "print the version", "", cmdVersion},
		{"help", "show help for wattson or one subcommand", "[subcommand]", cmdHelp},
	}
}

// run is the whole program: it dispatches args[0] to its subcommand.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		printHelp(stderr)
		return usageErrorf("no subcommand given")
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		name = "help"
	case "-version", "--version":
		name = "version"
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, args[1:], e)
		}
	}
	return usageErrorf("unknown subcommand %q (run 'wattson help' for the list)", name)
}

// usageError is a mistake in how wattson was called; it exits with status 2.
type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

func usageErrorf(format string, a ...any) error {
	return &usageError{msg: fmt.Sprintf(format, a...)}
}

// exitCode prints err for the user and maps it to a process exit status:
// 0 for success, 2 for usage errors, 1 for everything else.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, errHelpShown) {
		return 0
	}
	fmt.Fprintf(stderr, "wattson: %v\n", err)
	var u *usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}
