package discord

import (
	"context"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/wattson-dev/wattson/bot"
)

// respondFunc sends the initial response to an interaction: in the HTTP
// answer to the Interactions Endpoint, or over REST for the gateway.
type respondFunc func(*discordgo.InteractionResponse) error

// interact answers one interaction, whichever way it came: a PING with a
// PONG, a /wattson command or a Wattson button through the bot, anything
// else with a short private note. It returns once the initial response is
// sent; work that outlives it runs under ctx, and cancel is called when
// it is done.
func (a *Adapter) interact(ctx context.Context, cancel context.CancelFunc, h Handler, in interaction, respond respondFunc, transport string) {
	if in.Type == discordgo.InteractionPing {
		cancel()
		a.m.requests.WithLabelValues(transport, "ping").Inc()
		a.sendResponse(ctx, respond, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
		return
	}
	if resp, ok := question(in); ok {
		// Asked first; only the answer reaches the bot (ask.go).
		cancel()
		a.m.requests.WithLabelValues(transport, "question").Inc()
		a.sendResponse(ctx, respond, resp)
		return
	}
	ev, err := event(in)
	if err != nil {
		cancel()
		a.m.requests.WithLabelValues(transport, "unsupported").Inc()
		a.log.DebugContext(ctx, "interaction ignored", "id", in.ID, "err", err)
		resp := privateNote("That doesn't do anything here; try /wattson help.")
		if in.Type == discordgo.InteractionApplicationCommandAutocomplete {
			resp = &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
				Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}}}
		}
		a.sendResponse(ctx, respond, resp)
		return
	}
	a.m.requests.WithLabelValues(transport, "ok").Inc()
	res := make(chan bot.Message, 1)
	a.work.Add(1)
	go func() {
		defer a.work.Done()
		res <- h.Handle(ctx, ev)
	}()
	budget := time.NewTimer(a.o.AckBudget)
	defer budget.Stop()
	select {
	case m := <-res:
		resp, after := inline(ev, m)
		if resp.Type == discordgo.InteractionResponseDeferredMessageUpdate && isAnswer(in) {
			// The private question is answered: it keeps no buttons.
			resp = &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage,
				Data: &discordgo.InteractionResponseData{Content: "Confirmed: see the thread.", Components: []discordgo.MessageComponent{}}}
		}
		a.sendResponse(ctx, respond, resp)
		a.later(cancel, func() { after(ctx, a, in, ev, m) })
		return
	case <-budget.C:
	}
	// Too slow for Discord's window: show "thinking…" to the user alone
	// and follow up. The deferral's privacy cannot change later, so a
	// public answer replaces it with a message of its own.
	a.m.requests.WithLabelValues(transport, "deferred").Inc()
	a.sendResponse(ctx, respond, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}})
	a.later(cancel, func() { a.followUp(ctx, in, ev, <-res) })
}

// later runs f in the background, tracked by Wait, then calls cancel.
func (a *Adapter) later(cancel context.CancelFunc, f func()) {
	a.work.Add(1)
	go func() {
		defer a.work.Done()
		defer cancel()
		f()
	}()
}

func (a *Adapter) sendResponse(ctx context.Context, respond respondFunc, resp *discordgo.InteractionResponse) {
	if err := respond(resp); err != nil {
		a.log.ErrorContext(ctx, "interaction response not sent", "type", resp.Type, "err", err)
	}
}

// privateNote is an initial response only the user sees.
func privateNote(text string) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: text, Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: allowedMentions()}}
}

// afterFunc is work left once the initial response is sent.
type afterFunc func(ctx context.Context, a *Adapter, in interaction, ev bot.Event, m bot.Message)

// inline returns the initial response that answers ev with m, and what is
// left to do after it: the rest of a long reply, or a button's public
// reply, which goes into the thread as on Slack.
func inline(ev bot.Event, m bot.Message) (*discordgo.InteractionResponse, afterFunc) {
	nothing := func(context.Context, *Adapter, interaction, bot.Event, bot.Message) {}
	switch {
	case m.IsZero() && ev.Kind == bot.EventButton, !m.Private && ev.Kind == bot.EventButton:
		after := func(ctx context.Context, a *Adapter, _ interaction, ev bot.Event, m bot.Message) {
			if !m.IsZero() {
				a.reply(ctx, ev, m)
			}
		}
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}, after
	case m.IsZero():
		return privateNote("Already handled."), nothing
	}
	parts := Render(m)
	data := responseData(parts[0], m.Private)
	resp := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: data}
	if len(parts) == 1 {
		return resp, nothing
	}
	return resp, func(ctx context.Context, a *Adapter, in interaction, _ bot.Event, m bot.Message) {
		a.followUpParts(ctx, in, parts[1:], m.Private)
	}
}

func responseData(r rendered, private bool) *discordgo.InteractionResponseData {
	d := &discordgo.InteractionResponseData{Content: r.Content, Embeds: r.Embeds, Components: r.Components, AllowedMentions: allowedMentions()}
	if private {
		d.Flags = discordgo.MessageFlagsEphemeral
	}
	return d
}

// followUp delivers the answer to a deferred interaction: a private one
// in place of the "thinking…" message, a public one as a message of its
// own once that is removed.
func (a *Adapter) followUp(ctx context.Context, in interaction, ev bot.Event, m bot.Message) {
	lane := "interaction/" + in.ID
	var err error
	switch {
	case m.IsZero() || !m.Private:
		err = a.out.Do(ctx, lane, func(ctx context.Context) error {
			return a.s.InteractionResponseDelete(in.Interaction, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
		})
		if err == nil && !m.IsZero() {
			a.reply(ctx, ev, m)
		}
	default:
		parts := Render(m)
		first := parts[0]
		embeds, components := first.Embeds, first.Components
		edit := &discordgo.WebhookEdit{Content: &first.Content, Embeds: &embeds, Components: &components, AllowedMentions: allowedMentions()}
		err = a.out.Do(ctx, lane, func(ctx context.Context) error {
			_, err := a.s.InteractionResponseEdit(in.Interaction, edit, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
			return err
		})
		if err == nil {
			a.followUpParts(ctx, in, parts[1:], true)
		}
	}
	if err != nil {
		a.log.ErrorContext(ctx, "late interaction reply not sent", "id", in.ID, "err", err)
	}
}

// followUpParts sends the rest of a long reply as follow-up messages.
func (a *Adapter) followUpParts(ctx context.Context, in interaction, parts []rendered, private bool) {
	for _, r := range parts {
		p := &discordgo.WebhookParams{Content: r.Content, Embeds: r.Embeds, Components: r.Components, AllowedMentions: allowedMentions()}
		if private {
			p.Flags = discordgo.MessageFlagsEphemeral
		}
		err := a.out.Do(ctx, "interaction/"+in.ID, func(ctx context.Context) error {
			_, err := a.s.FollowupMessageCreate(in.Interaction, true, p, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
			return err
		})
		if err != nil {
			a.log.ErrorContext(ctx, "follow-up not sent", "id", in.ID, "err", err)
			return
		}
	}
}

// reply posts a public answer where the event came from: in the thread of
// the clicked message or the thread a command was typed in, else in the
// channel itself (without starting a thread).
func (a *Adapter) reply(ctx context.Context, ev bot.Event, m bot.Message) {
	var err error
	if ev.Thread != "" {
		_, err = a.Post(ctx, ev.Channel, ev.Thread, m)
	} else {
		for _, r := range Render(m) {
			if _, err = a.send(ctx, ev.Channel, r); err != nil {
				break
			}
		}
	}
	if err != nil {
		a.log.ErrorContext(ctx, "reply not sent", "event", ev.ID, "err", err)
	}
}
