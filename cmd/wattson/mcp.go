package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/wattson-dev/wattson/skills/builtin"
	"github.com/wattson-dev/wattson/skills/mcpserver"
)

// cmdMCP serves the read-only skills over the Model Context Protocol on
// stdin/stdout, so that other agents (Claude Desktop, IDEs, ...) can use
// them. Logs go to stderr: stdout belongs to the protocol.
func cmdMCP(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("mcp", e)
	path := configFlag(fs, e)
	sf := addSourceFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("mcp: unexpected argument %q", fs.Arg(0))
	}
	cfg, err := loadConfig(*path, e.getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	_, pats := loadLibrary(cfg, log)
	deps, err := sf.deps(cfg, pats, log)
	if err != nil {
		return err
	}
	srv := mcpserver.New(builtin.Registry(deps), version, log)
	t := &mcp.IOTransport{Reader: io.NopCloser(e.stdin), Writer: nopWriteCloser{e.stdout}}
	if err := srv.Run(ctx, t); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, io.EOF) {
		return fmt.Errorf("serve mcp: %w", err)
	}
	return nil
}

// nopWriteCloser lets the transport close stdout without closing it.
type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }
