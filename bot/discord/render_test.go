package discord

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
				for _, b := range discordLimits(r) {
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
	var fields []bot.Field
	for range 40 {
		fields = append(fields, bot.Field{Name: "Suspect", Value: strings.Repeat("evidence ", 200)})
	}
	var buttons []bot.Button
	for i := range 30 {
		buttons = append(buttons, bot.Button{Label: strings.Repeat("Approve ", 20), Action: bot.ActionApprove, RecordID: "P-1", Version: i + 1})
	}
	for name, m := range map[string]bot.Message{
		"embed": {Title: strings.Repeat("Long title ", 40), Text: long, Fields: fields, Buttons: buttons, Footer: strings.Repeat("f", 3000)},
		"plain": {Text: long, Buttons: buttons[:1]},
	} {
		t.Run(name, func(t *testing.T) {
			msgs := Render(m)
			if len(msgs) < 2 {
				t.Fatalf("got %d messages, want the text split over several", len(msgs))
			}
			var text strings.Builder
			for i, r := range msgs {
				if len(r.Content) > maxContent || !utf8.ValidString(r.Content) {
					t.Fatalf("message %d: content of %d bytes, valid UTF-8 %v", i, len(r.Content), utf8.ValidString(r.Content))
				}
				text.WriteString(r.Content + "\n")
				for _, b := range discordLimits(r) {
					t.Errorf("message %d: %s", i, b)
				}
				for _, e := range r.Embeds {
					text.WriteString(e.Description + "\n")
				}
				if i > 0 && len(r.Components) > 0 {
					t.Errorf("message %d carries buttons", i)
				}
			}
			if len(msgs[0].Components) == 0 {
				t.Errorf("first message lacks the buttons")
			}
			if !strings.Contains(strings.Join(strings.Fields(text.String()), " "), strings.Join(strings.Fields(long), " ")) {
				t.Errorf("split text does not join back to the original")
			}
		})
	}
}

func TestRenderPlainTextIsContent(t *testing.T) {
	r := Render(bot.Message{Text: "<@U1> approved P-7 (v3)."})
	if len(r) != 1 || r[0].Content != "<@U1> approved P-7 (v3)." || r[0].Embeds != nil {
		t.Fatalf("plain text rendered as %+v", r)
	}
}
