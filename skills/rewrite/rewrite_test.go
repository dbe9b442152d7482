package rewrite

import (
	"context"
	"errors"
	"go/format"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rewriteCase is one source file, the rewrite tried on one of its
// functions, and the file it must become; an empty after means the
// rewrite must refuse with a *NotSafeError whose reason holds reason.
type rewriteCase struct {
	name, rewrite, function string
	before, after, reason   string
}

// runCases writes each case's file into a module and checks the rewrite.
func runCases(t *testing.T, cases []rewriteCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, "go.mod", "module example.com/m\n\ngo 1.22\n")
			write(t, dir, "p/p.go", tc.before)
			fn := tc.function
			if !strings.Contains(fn, "/") {
				fn = "example.com/m/p." + fn
			}
			res, err := Apply(context.Background(), dir, fn, tc.rewrite)
			if tc.after == "" {
				var ns *NotSafeError
				if !errors.As(err, &ns) || !errors.Is(err, ErrNotSafe) {
					t.Fatalf("Apply = %v, %v; want a *NotSafeError", res.Changes, err)
				}
				if !strings.Contains(ns.Reason, tc.reason) {
					t.Errorf("reason %q does not say %q", ns.Reason, tc.reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			want, err := format.Source([]byte(tc.after))
			if err != nil {
				t.Fatalf("format want: %v", err)
			}
			if len(res.Edits) != 1 || res.Edits[0].Path != "p/p.go" {
				t.Fatalf("edits = %+v", res.Edits)
			}
			if got := string(res.Edits[0].Content); got != string(want) {
				t.Errorf("rewritten:\n%s\nwant:\n%s", got, want)
			}
			if len(res.Changes) == 0 {
				t.Error("no change described")
			}
		})
	}
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSplitFunc(t *testing.T) {
	for _, tc := range []struct{ in, pkg, recv, name string }{
		{"example.com/m/internal/api.validCoupon", "example.com/m/internal/api", "", "validCoupon"},
		{"example.com/m/p.(*Server).handle", "example.com/m/p", "Server", "handle"},
		{"example.com/m/p.Server.handle", "example.com/m/p", "Server", "handle"},
		{"example.com/m/p.run.func1", "example.com/m/p", "", "run"},
		{"example.com/m/p.(*Set[...]).Add", "example.com/m/p", "Set", "Add"},
		{"main.main", "main", "", "main"},
	} {
		pkg, recv, name, err := splitFunc(tc.in)
		if err != nil || pkg != tc.pkg || recv != tc.recv || name != tc.name {
			t.Errorf("splitFunc(%q) = %q, %q, %q, %v", tc.in, pkg, recv, name, err)
		}
	}
	if _, _, _, err := splitFunc("nodot"); err == nil {
		t.Error("splitFunc(nodot): no error")
	}
}

func TestApplyErrors(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "go.mod", "module example.com/m\n\ngo 1.22\n")
	write(t, dir, "p/p.go", "package p\n\nfunc F() {}\n")
	ctx := context.Background()
	if _, err := Apply(ctx, dir, "example.com/m/p.F", "no-such"); err == nil || !strings.Contains(err.Error(), "no such rewrite") {
		t.Errorf("unknown rewrite: %v", err)
	}
	if _, err := Apply(ctx, dir, "example.com/m/p.G", HoistRegexp); err == nil || !strings.Contains(err.Error(), "no function") {
		t.Errorf("missing function: %v", err)
	}
	write(t, dir, "q/q.go", "package q\n\nfunc F() { undefined() }\n")
	if _, err := Apply(ctx, dir, "example.com/m/q.F", HoistRegexp); err == nil || errors.Is(err, ErrNotSafe) {
		t.Errorf("package that does not type-check: %v", err)
	}
}
