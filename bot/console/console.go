// Package console is the chat adapter for a terminal: the bot reads
// commands and mentions from stdin and writes its messages to stdout as
// text. It serves local use and `wattson demo`.
//
// Each input line is one event. "/wattson <command>" (or "wattson
// <command>") is a slash command, "@wattson <question>" a mention; any other
// line is treated as a command. A line may start with "#channel>" to speak
// in another channel than the default one. Buttons are shown as the command
// that does the same thing, so a click is a line away.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/store"
)

// Platform is the name the console uses in thread refs and events.
const Platform = "console"

// Handler is what the console delivers inbound events to; *bot.Bot is one.
type Handler interface {
	Handle(ctx context.Context, ev bot.Event) bot.Message
}

// Console is a chat on a reader and a writer. It implements bot.Chat.
type Console struct {
	in      io.Reader
	out     io.Writer
	channel string
	user    string

	mu sync.Mutex // guards out and n
	n  int
}

var _ bot.Chat = (*Console)(nil)

// New returns a console reading from in and writing to out. channel is the
// default channel ("#console" when empty); user is the user id events carry
// ("console" when empty), which approver rules can name.
func New(in io.Reader, out io.Writer, channel, user string) *Console {
	if channel == "" {
		channel = "#console"
	}
	if user == "" {
		user = "console"
	}
	return &Console{in: in, out: out, channel: channel, user: user}
}

// Post writes m, labelled with its channel and thread, and returns its ref.
func (c *Console) Post(_ context.Context, channel, thread string, m bot.Message) (store.ThreadRef, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	ref := store.ThreadRef{Platform: Platform, Channel: channel, MessageID: "m" + strconv.Itoa(c.n)}
	head := fmt.Sprintf("[%s %s]", channel, ref.MessageID)
	if thread != "" {
		head = fmt.Sprintf("[%s %s ↳ %s]", channel, ref.MessageID, thread)
	}
	if _, err := fmt.Fprintf(c.out, "%s\n%s\n", head, Render(m)); err != nil {
		return ref, fmt.Errorf("write message: %w", err)
	}
	return ref, nil
}

// Update writes the new version of the message at ref.
func (c *Console) Update(_ context.Context, ref store.ThreadRef, m bot.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := fmt.Fprintf(c.out, "[%s %s edited]\n%s\n", ref.Channel, ref.MessageID, Render(m)); err != nil {
		return fmt.Errorf("write message: %w", err)
	}
	return nil
}

// Serve reads events from the input until it ends or ctx does, hands each to
// h and writes the reply. It returns nil at the end of the input.
func (c *Console) Serve(ctx context.Context, h Handler) error {
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(c.in)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errc <- sc.Err()
		close(lines)
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				if err := <-errc; err != nil {
					return fmt.Errorf("read console: %w", err)
				}
				return nil
			}
			ev, ok := c.parse(line)
			if !ok {
				continue
			}
			if reply := h.Handle(ctx, ev); !reply.IsZero() {
				if _, err := c.Post(ctx, ev.Channel, "", reply); err != nil {
					return err
				}
			}
		}
	}
}

// parse turns an input line into an event; blank lines and comments are
// skipped.
func (c *Console) parse(line string) (bot.Event, bool) {
	line = strings.TrimSpace(line)
	ev := bot.Event{Kind: bot.EventCommand, Platform: Platform, Channel: c.channel, User: c.user}
	if strings.HasPrefix(line, "#") {
		if ch, rest, ok := strings.Cut(line, ">"); ok && !strings.ContainsAny(ch, " \t") {
			ev.Channel, line = ch, strings.TrimSpace(rest)
		}
	}
	if line == "" || strings.HasPrefix(line, "//") {
		return ev, false
	}
	ev.ChannelName = strings.TrimPrefix(ev.Channel, "#")
	switch {
	case strings.HasPrefix(line, "@wattson"):
		ev.Kind, ev.Text = bot.EventMention, strings.TrimSpace(strings.TrimPrefix(line, "@wattson"))
	case strings.HasPrefix(line, "/wattson"):
		ev.Text = strings.TrimSpace(strings.TrimPrefix(line, "/wattson"))
	case strings.HasPrefix(line, "wattson "):
		ev.Text = strings.TrimSpace(strings.TrimPrefix(line, "wattson "))
	default:
		ev.Text = line
	}
	return ev, true
}
