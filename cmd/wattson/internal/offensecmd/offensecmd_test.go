package offensecmd

import (
	"flag"
	"io"
	"strings"
	"testing"
)

func TestFlagsCheck(t *testing.T) {
	base := []string{"--profiles", "p", "--service", "s"}
	for _, tc := range []struct {
		args []string
		want string // part of the error; "" for none
	}{
		{append(base, "--repo", "r"), ""},
		{append(base, "--github", "o/r", "--checkout", "c"), ""},
		{[]string{"--service", "s", "--repo", "r"}, "--profiles"},
		{[]string{"--profiles", "p", "--repo", "r"}, "--service"},
		{base, "--repo PATH or --github"},
		{append(base, "--repo", "r", "--github", "o/r"), "--repo PATH or --github"},
		{append(base, "--github", "o/r"), "--checkout"},
		{append(base, "--repo", "r", "--checkout", "c"), "--checkout goes with --github"},
		{append(base, "--repo", "r", "--format", "yaml"), "--format"},
		{append(base, "--repo", "r", "--instances", "0"), "--instances"},
		{append(base, "--repo", "r", "--count", "1"), "--count"},
		{append(base, "--repo", "r", "--benchtime", "soon"), "--benchtime"},
		{append(base, "--repo", "r", "extra"), `unexpected argument "extra"`},
	} {
		fs := flag.NewFlagSet("offense", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		f := Register(fs)
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		err := f.Check(fs.Args())
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
	}
}

func TestEvalFlagsCheck(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--corpus", "c"}, ""},
		{[]string{"--corpus", "c", "--generate", "--format", "json"}, ""},
		{nil, "--corpus"},
		{[]string{"--corpus", "c", "--format", "csv"}, "--format"},
		{[]string{"--corpus", "c", "--count", "0"}, "--count"},
		{[]string{"--corpus", "c", "--benchtime", "1"}, "--benchtime"},
		{[]string{"--corpus", "c", "more"}, "unexpected argument"},
	} {
		fs := flag.NewFlagSet("eval", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		f := RegisterEval(fs)
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		err := f.Check(fs.Args())
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
	}
}
