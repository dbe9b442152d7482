package console

import (
	"fmt"
	"strings"

	"github.com/wattson-dev/wattson/bot"
)

// Render writes a message as plain text: the title underlined, the body,
// fields as "name: value" lines, the image as a note, and each button as
// the command that does the same.
func Render(m bot.Message) string {
	var b strings.Builder
	if m.Title != "" {
		b.WriteString(m.Title + "\n")
		b.WriteString(strings.Repeat("=", min(len([]rune(m.Title)), 72)) + "\n")
	}
	if m.Text != "" {
		b.WriteString(m.Text + "\n")
	}
	for _, f := range m.Fields {
		v := strings.ReplaceAll(f.Value, "\n", "\n    ")
		fmt.Fprintf(&b, "  %s: %s\n", f.Name, v)
	}
	for _, l := range m.Links {
		fmt.Fprintf(&b, "  %s: %s\n", l.Label, l.URL)
	}
	if m.Image != nil {
		fmt.Fprintf(&b, "  [image %s: %s]\n", m.Image.Name, m.Image.Alt)
	}
	for _, btn := range m.Buttons {
		fmt.Fprintf(&b, "  [%s] → /wattson %s %s\n", btn.Label, btn.Action, btn.Value())
	}
	if m.Footer != "" {
		b.WriteString("  " + m.Footer + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
