package discord

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/wattson-dev/wattson/bot"
)

// ServeGateway receives interactions and mentions over Discord's gateway —
// a WebSocket the adapter opens with the bot token, so no public URL is
// needed — and hands them to h until ctx ends. Interactions are answered
// as over HTTP, with the initial response sent over REST. (When the
// application has an Interactions Endpoint URL, Discord sends interactions
// there instead and the gateway brings only mentions.) A failed connection
// is retried with backoff; discordgo reconnects a dropped one itself.
func (a *Adapter) ServeGateway(ctx context.Context, h Handler) error {
	var bot botUser
	remove := []func(){
		a.s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
			if r.User != nil {
				bot.set(r.User.ID)
			}
			a.log.InfoContext(ctx, "gateway connected", "session", r.SessionID)
		}),
		a.s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) {
			a.log.WarnContext(ctx, "gateway disconnected")
		}),
		a.s.AddHandler(func(_ *discordgo.Session, e *discordgo.Event) {
			a.dispatch(ctx, h, e.Type, e.RawData, bot.get())
		}),
	}
	defer func() {
		for _, f := range remove {
			f()
		}
	}()
	for backoff := time.Second; ; backoff = min(2*backoff, time.Minute) {
		err := a.s.Open()
		if err == nil {
			break
		}
		a.log.WarnContext(ctx, "gateway not connected", "err", err, "retry_in", backoff)
		if sleep(ctx, backoff) != nil {
			return nil
		}
	}
	<-ctx.Done()
	if err := a.s.Close(); err != nil {
		a.log.WarnContext(ctx, "gateway close", "err", err)
	}
	return nil
}

// botUser is the bot's own user id, learnt from the gateway's READY.
type botUser struct {
	mu sync.Mutex
	id string
}

func (b *botUser) set(id string) { b.mu.Lock(); b.id = id; b.mu.Unlock() }

func (b *botUser) get() string { b.mu.Lock(); defer b.mu.Unlock(); return b.id }

// dispatch handles one gateway dispatch: INTERACTION_CREATE as over HTTP,
// MESSAGE_CREATE when it mentions the bot (botID). ctx is the gateway's;
// answers outlive it by up to ten minutes.
func (a *Adapter) dispatch(ctx context.Context, h Handler, kind string, raw json.RawMessage, botID string) {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Minute)
	switch kind {
	case "INTERACTION_CREATE":
		start := time.Now()
		in, err := parseInteraction(raw)
		if err != nil {
			cancel()
			a.m.requests.WithLabelValues("gateway", "bad_request").Inc()
			a.log.WarnContext(ctx, "bad discord interaction", "err", err)
			return
		}
		respond := func(resp *discordgo.InteractionResponse) error {
			return a.out.Do(wctx, "interaction/"+in.ID, func(ctx context.Context) error {
				return a.s.InteractionRespond(in.Interaction, resp, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
			})
		}
		a.interact(wctx, cancel, h, in, respond, "gateway")
		a.m.ack.WithLabelValues("gateway").Observe(time.Since(start).Seconds())
	case "MESSAGE_CREATE":
		ev, ok := mentionEvent(raw, botID, a.stateChannel)
		if !ok {
			cancel()
			return
		}
		a.later(cancel, func() {
			if m := h.Handle(wctx, ev); !m.IsZero() {
				a.reply(wctx, ev, m) // Discord has no private replies to messages
			}
		})
	default:
		cancel()
	}
}

// stateChannel looks a channel up in the gateway's state cache.
func (a *Adapter) stateChannel(id string) *discordgo.Channel {
	ch, err := a.s.State.Channel(id)
	if err != nil {
		return nil
	}
	return ch
}

// leadingMention matches the "<@123>" or "<@!123>" the bot was addressed
// with.
func leadingMention() *regexp.Regexp {
	return regexp.MustCompile(`^\s*<@!?[0-9]+>[\s,:]*`)
}

// mentionEvent turns a MESSAGE_CREATE that mentions the bot into a
// mention event answered in the message's thread (or the thread it was
// written in); messages by bots, and any that do not mention botID, give
// none. channel looks a channel up, to tell threads from channels.
func mentionEvent(raw []byte, botID string, channel func(string) *discordgo.Channel) (bot.Event, bool) {
	var m discordgo.Message
	if botID == "" || json.Unmarshal(raw, &m) != nil || m.Author == nil || m.Author.Bot || m.Author.ID == "" || m.ChannelID == "" || m.ID == "" {
		return bot.Event{}, false
	}
	mentioned := false
	for _, u := range m.Mentions {
		mentioned = mentioned || (u != nil && u.ID == botID)
	}
	if !mentioned {
		return bot.Event{}, false
	}
	ev := bot.Event{Kind: bot.EventMention, ID: m.ID, Platform: Platform, Channel: m.ChannelID, Thread: m.ID,
		User: m.Author.ID, Text: strings.TrimSpace(leadingMention().ReplaceAllString(m.Content, ""))}
	if m.Member != nil {
		ev.Groups = m.Member.Roles
	}
	if ch := channel(m.ChannelID); ch != nil {
		if ch.IsThread() && ch.ParentID != "" {
			ev.Channel, ev.Thread = ch.ParentID, joinID(ch.ID, "")
		} else {
			ev.ChannelName = ch.Name
		}
	}
	return ev, true
}

// Run registers the /wattson command and serves the gateway until ctx
// ends. A failed registration is logged, not returned: Discord keeps the
// last registration, and the endpoint and gateway work without a new one.
func (a *Adapter) Run(ctx context.Context, h Handler) error {
	if err := a.Register(ctx); err != nil {
		a.log.WarnContext(ctx, "discord command not registered", "err", err)
	}
	return a.ServeGateway(ctx, h)
}
