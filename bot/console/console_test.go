package console

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/bottest"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestRenderGolden(t *testing.T) {
	for name, m := range bottest.Samples() {
		t.Run(name, func(t *testing.T) {
			golden(t, filepath.Join("testdata", name+".txt"), Render(m))
		})
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if got != string(want) {
		t.Errorf("rendering differs from %s (run go test -update to accept):\n%s", path, got)
	}
}

// echo answers every event with its kind, channel and text.
type echo struct{}

func (echo) Handle(_ context.Context, ev bot.Event) bot.Message {
	if ev.Text == "dup" {
		return bot.Message{}
	}
	return bot.Message{Text: string(ev.Kind) + " in " + ev.Channel + ": " + ev.Text}
}

func TestServe(t *testing.T) {
	in := strings.NewReader("/wattson list\n\n// a comment\n#perf> @wattson why is checkout slow?\nstatus R-1\ndup\n")
	var out strings.Builder
	c := New(in, &out, "", "")
	if err := c.Serve(t.Context(), echo{}); err != nil {
		t.Fatal(err)
	}
	want := "[#console m1]\ncommand in #console: list\n" +
		"[#perf m2]\nmention in #perf: why is checkout slow?\n" +
		"[#console m3]\ncommand in #console: status R-1\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}
