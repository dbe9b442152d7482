package console

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/store"
)

// Compact is a Console as a chat for a terminal that is read as a log
// (the demo's), with edits shown as the lines they add rather than the
// whole message again: an investigation edits its progress message once a
// step, and a terminal, unlike Slack, cannot redraw it in place.
type Compact struct {
	console *Console
	out     io.Writer

	mu    sync.Mutex
	shown map[string]string // message id → its text as last written
}

var _ bot.Chat = (*Compact)(nil)

// NewCompact wraps c, which writes to out.
func NewCompact(c *Console, out io.Writer) *Compact {
	return &Compact{console: c, out: out, shown: map[string]string{}}
}

// Post writes m as the console does and remembers it.
func (c *Compact) Post(ctx context.Context, channel, thread string, m bot.Message) (store.ThreadRef, error) {
	ref, err := c.console.Post(ctx, channel, thread, m)
	if err == nil {
		c.mu.Lock()
		c.shown[ref.MessageID] = Render(m)
		c.mu.Unlock()
	}
	return ref, err
}

// Update writes the lines of m that the message did not show before.
func (c *Compact) Update(_ context.Context, ref store.ThreadRef, m bot.Message) error {
	text := Render(m)
	c.mu.Lock()
	defer c.mu.Unlock()
	before := map[string]bool{}
	for _, l := range strings.Split(c.shown[ref.MessageID], "\n") {
		before[strings.TrimLeft(l, "✓… ")] = true
	}
	c.shown[ref.MessageID] = text
	var added []string
	for _, l := range strings.Split(text, "\n") {
		if !before[strings.TrimLeft(l, "✓… ")] && strings.Trim(l, "=") != "" {
			added = append(added, l)
		}
	}
	if len(added) == 0 {
		return nil
	}
	if _, err := fmt.Fprintf(c.out, "[%s %s edited]\n%s\n", ref.Channel, ref.MessageID, strings.Join(added, "\n")); err != nil {
		return fmt.Errorf("write message: %w", err)
	}
	return nil
}
