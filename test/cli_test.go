package test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHelpAndVersion(t *testing.T) {
	r := wattson(t, nil, "help")
	if r.code != 0 {
		t.Fatalf("help: exit %d: %s", r.code, r.stderr)
	}
	for _, sub := range []string{"serve", "detect", "investigate", "eval", "demo", "skills", "mcp", "version", "help"} {
		if !strings.Contains(r.stdout, "  "+sub+" ") {
			t.Errorf("help does not document %q", sub)
		}
	}
	if r := wattson(t, nil, "version"); r.code != 0 || !strings.HasPrefix(r.stdout, "wattson ") {
		t.Errorf("version: exit %d, %q", r.code, r.stdout)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{{}, {"nonsense"}, {"serve", "--bogus"}} {
		r := wattson(t, nil, args...)
		if r.code != 2 || !strings.Contains("\n"+r.stderr, "\nwattson: ") {
			t.Errorf("wattson %v: exit %d, stderr %q; want 2 and a message", args, r.code, r.stderr)
		}
	}
}

func TestCheckConfig(t *testing.T) {
	r := wattson(t, []string{"SLACK_BOT_TOKEN=xoxb-very-secret", "SLACK_SIGNING_SECRET=very-secret-too"}, "serve", "--check-config")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout, "very-secret") || !strings.Contains(r.stdout, "<redacted>") {
		t.Errorf("secret not redacted:\n%s", r.stdout)
	}
	example, err := filepath.Abs("../wattson.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if r := wattson(t, nil, "serve", "--check-config", "--config", example); r.code != 0 {
		t.Errorf("example config: exit %d: %s", r.code, r.stderr)
	}
}

func TestMalformedConfig(t *testing.T) {
	p := filepath.Join(t.TempDir(), "wattson.yaml")
	body := "store:\n  backend: embedded\nchat:\n  platfroms: [slack]\n"
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	r := wattson(t, nil, "serve", "--config", p)
	if r.code != 1 || !strings.Contains(r.stderr, `line 4: unknown key "platfroms"`) || !strings.Contains(r.stderr, p) {
		t.Errorf("exit %d, stderr %q; want 1 naming file, line and key", r.code, r.stderr)
	}
}
