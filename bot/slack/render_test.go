package slack

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/bottest"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestRenderGolden(t *testing.T) {
	for name, m := range bottest.Samples() {
		t.Run(name, func(t *testing.T) {
			msgs := Render(m)
			for i, r := range msgs {
				for _, b := range slackLimits(r) {
					t.Errorf("message %d: %s", i, b)
				}
			}
			got, err := json.MarshalIndent(msgs, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", name+".json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if string(got) != string(want) {
				t.Errorf("rendering differs from %s (run go test -update to accept):\n%s", path, got)
			}
		})
	}
}

func TestRenderLimits(t *testing.T) {
	long := strings.Repeat("ünïcode line of text with words\n", 4000) // ~130 kB
	m := bot.Message{Title: "Long", Text: long, Buttons: []bot.Button{{Label: "Approve", Action: bot.ActionApprove, RecordID: "P-1", Version: 2}}}
	msgs := Render(m)
	if len(msgs) < 2 {
		t.Fatalf("got %d messages, want the text split over several", len(msgs))
	}
	var joined strings.Builder
	for i, r := range msgs {
		for _, b := range slackLimits(r) {
			t.Errorf("message %d: %s", i, b)
		}
		raw, _ := json.Marshal(r.Blocks)
		if i == 0 && !strings.Contains(string(raw), `"wattson:approve:P-1@2"`) {
			t.Errorf("first message lacks the buttons")
		}
		for _, b := range r.Blocks {
			var s struct {
				Text *struct{ Text string } `json:"text"`
			}
			raw, _ := json.Marshal(b)
			_ = json.Unmarshal(raw, &s)
			if s.Text == nil || s.Text.Text == "*Long*" {
				continue
			}
			if len(s.Text.Text) > 3000 || !utf8.ValidString(s.Text.Text) {
				t.Fatalf("section of %d bytes, valid UTF-8 %v", len(s.Text.Text), utf8.ValidString(s.Text.Text))
			}
			joined.WriteString(s.Text.Text + "\n")
		}
	}
	if strings.Fields(joined.String()) == nil || strings.Join(strings.Fields(joined.String()), " ") != strings.Join(strings.Fields(long), " ") {
		t.Errorf("split text does not join back to the original")
	}
}

func TestEscapeKeepsMentions(t *testing.T) {
	got := escape("<@U024BE7LH> approved P-7 & said <b>ok</b> <https://example.com/pr/1>")
	want := "<@U024BE7LH> approved P-7 &amp; said &lt;b&gt;ok&lt;/b&gt; <https://example.com/pr/1>"
	if got != want {
		t.Errorf("escape = %q, want %q", got, want)
	}
}
