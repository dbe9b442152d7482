package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runCmd runs wattson in-process and returns its output and exit status.
func runCmd(t *testing.T, getenv map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, envMap(getenv), strings.NewReader(""), &out, &errb)
	code = exitCode(err, &errb)
	return out.String(), errb.String(), code
}

func TestHelpDocumentsEverySubcommand(t *testing.T) {
	out, _, code := runCmd(t, nil, "help")
	if code != 0 {
		t.Fatalf("help exited %d", code)
	}
	for _, c := range commands() {
		if !strings.Contains(out, "  "+c.name+" ") {
			t.Errorf("help does not list %q", c.name)
		}
		sub, _, code := runCmd(t, nil, "help", c.name)
		if code != 0 || !strings.Contains(sub, "wattson "+c.name) {
			t.Errorf("help %s: exit %d, output %q", c.name, code, sub)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "no subcommand"},
		{[]string{"frobnicate"}, `unknown subcommand "frobnicate"`},
		{[]string{"serve", "--no-such-flag"}, "flag provided but not defined: -no-such-flag"},
		{[]string{"version", "extra"}, "takes no arguments"},
		{[]string{"help", "nope"}, `unknown subcommand "nope"`},
	}
	for _, tt := range tests {
		_, errOut, code := runCmd(t, nil, tt.args...)
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("wattson %v: exit %d, stderr %q; want exit 2 mentioning %q", tt.args, code, errOut, tt.want)
		}
	}
}

func TestVersion(t *testing.T) {
	out, _, code := runCmd(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "wattson ") {
		t.Errorf("version: exit %d, %q", code, out)
	}
}

func TestFlagHelpExitsZero(t *testing.T) {
	_, errOut, code := runCmd(t, nil, "serve", "-h")
	if code != 0 || !strings.Contains(errOut, "-check-config") {
		t.Errorf("serve -h: exit %d, %q", code, errOut)
	}
}

func TestCheckConfig(t *testing.T) {
	out, errOut, code := runCmd(t, map[string]string{"WATTSON_CONFIG": "../../wattson.example.yaml"}, "serve", "--check-config")
	if code != 0 || !strings.Contains(out, "backend: embedded") {
		t.Errorf("check-config: exit %d, out %q, err %q", code, out, errOut)
	}
	p := writeFile(t, "bad.yaml", "nonsense_key: 1\n")
	_, errOut, code = runCmd(t, nil, "serve", "--check-config", "--config", p)
	if code != 1 || !strings.Contains(errOut, `line 1: unknown key "nonsense_key"`) {
		t.Errorf("bad config: exit %d, %q", code, errOut)
	}
}
