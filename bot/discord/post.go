package discord

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/store"
)

// Thread refs: a message in a text channel is its id; a message inside a
// thread is "<thread>/<message>". A thread started from a message has the
// message's id, so the alert's ref names its thread too.

// joinID returns the ref id of message msg in thread (none: "").
func joinID(thread, msg string) string {
	if thread == "" {
		return msg
	}
	return thread + "/" + msg
}

// splitID splits a ref id into the thread it is in ("" for the channel
// itself) and the message id.
func splitID(id string) (thread, msg string) {
	if t, m, ok := strings.Cut(id, "/"); ok {
		return t, m
	}
	return "", id
}

// allowedMentions lets the bot's messages ping the users they name, never
// @everyone, @here or roles.
func allowedMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{discordgo.AllowedMentionTypeUsers}}
}

// Post sends m to channel and returns the ref of the message. With no
// thread, the message goes to the channel and a thread is started from it;
// with one, it goes into that message's thread (started if need be). A
// text too long for one message continues in the thread.
func (a *Adapter) Post(ctx context.Context, channel, thread string, m bot.Message) (store.ThreadRef, error) {
	ref := store.ThreadRef{Platform: Platform, Channel: channel}
	where := channel // the Discord channel the message goes to
	inThread := ""
	if thread != "" {
		inThread = a.threadOf(ctx, channel, thread)
		if inThread != "" {
			where = inThread
		}
	}
	msgs := Render(m)
	for i, r := range msgs {
		msg, err := a.send(ctx, where, r)
		if err != nil {
			return ref, fmt.Errorf("post discord message: %w", err)
		}
		if i > 0 {
			continue
		}
		ref.MessageID = joinID(inThread, msg.ID)
		if inThread == "" && thread == "" {
			// A top-level message: open its thread, and continue in it.
			if t := a.startThread(ctx, channel, msg.ID, threadName(m)); t != "" {
				where, inThread = t, t
			}
		}
	}
	if m.Image != nil {
		ref.Image = m.Image.Name // attached: redraws name it
	}
	a.m.posted.Inc()
	return ref, nil
}

// Update replaces the message at ref. Parts of a long text beyond the
// first message are not edited.
func (a *Adapter) Update(ctx context.Context, ref store.ThreadRef, m bot.Message) error {
	thread, id := splitID(ref.MessageID)
	where := ref.Channel
	if thread != "" {
		where = thread
	}
	r := Render(m)[0]
	edit := discordgo.NewMessageEdit(where, id)
	edit.Content = &r.Content
	embeds := r.Embeds
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	components := r.Components
	if components == nil {
		components = []discordgo.MessageComponent{}
	}
	edit.Embeds, edit.Components, edit.AllowedMentions = &embeds, &components, allowedMentions()
	err := a.out.Do(ctx, where, func(ctx context.Context) error {
		if r.image != nil { // a fresh reader for every attempt
			edit.Files = []*discordgo.File{file(*r.image)}
		}
		_, err := a.s.ChannelMessageEditComplex(edit, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
		return err
	})
	if err != nil {
		return fmt.Errorf("update discord message: %w", err)
	}
	return nil
}

// send posts one rendered message to a Discord channel through the outbox.
func (a *Adapter) send(ctx context.Context, channel string, r rendered) (*discordgo.Message, error) {
	data := &discordgo.MessageSend{Content: r.Content, Embeds: r.Embeds, Components: r.Components, AllowedMentions: allowedMentions()}
	var msg *discordgo.Message
	err := a.out.Do(ctx, channel, func(ctx context.Context) error {
		if r.image != nil { // a fresh reader for every attempt
			data.Files = []*discordgo.File{file(*r.image)}
		}
		m, err := a.s.ChannelMessageSendComplex(channel, data, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
		msg = m
		return err
	})
	if err != nil {
		return nil, err
	}
	return msg, nil
}

func file(img bot.Image) *discordgo.File {
	return &discordgo.File{Name: img.Name, ContentType: "image/png", Reader: bytes.NewReader(img.PNG)}
}

// threadOf returns the Discord channel to post a reply to thread in: the
// thread a "<thread>/<message>" id names, or the thread of a top-level
// message, started if it has none. It returns "" when no thread can be had
// (a DM, a message that is gone); the reply then goes to the channel.
func (a *Adapter) threadOf(ctx context.Context, channel, thread string) string {
	if t, _ := splitID(thread); t != "" {
		return t
	}
	if a.threads.has(thread) {
		return thread
	}
	return a.startThread(ctx, channel, thread, "Wattson")
}

// threadArchive is how long an idle thread stays open, in minutes.
const threadArchive = 10080

// startThread starts a thread from message msg of channel and returns its
// id, which is msg's; a thread that already exists counts as started.
// Failure is logged and returns "".
func (a *Adapter) startThread(ctx context.Context, channel, msg, name string) string {
	err := a.out.Do(ctx, channel, func(ctx context.Context) error {
		_, err := a.s.MessageThreadStartComplex(channel, msg, &discordgo.ThreadStart{Name: name, AutoArchiveDuration: threadArchive},
			discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
		return err
	})
	if err != nil && restCode(err) != discordgo.ErrCodeThreadAlreadyCreatedForThisMessage {
		a.log.WarnContext(ctx, "thread not started", "channel", channel, "message", msg, "err", err)
		return ""
	}
	a.threads.add(msg)
	return msg
}

// threadName names a message's thread after its title or first line.
func threadName(m bot.Message) string {
	name := m.Title
	if name == "" {
		name, _, _ = strings.Cut(m.Text, "\n")
	}
	name = strings.TrimSpace(strings.ReplaceAll(name, "`", ""))
	if name == "" {
		return "Wattson"
	}
	return truncate(name, 100)
}
