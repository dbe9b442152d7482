package discord

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/wattson-dev/wattson/bot"
)

// interaction is an inbound interaction with the partial channel object
// Discord sends beside it, which discordgo does not decode.
type interaction struct {
	*discordgo.Interaction
	channel channelInfo
}

// channelInfo is the part of the interaction's channel the adapter uses.
type channelInfo struct {
	Name     string                `json:"name"`
	Type     discordgo.ChannelType `json:"type"`
	ParentID string                `json:"parent_id"`
}

// isThread reports whether the channel is a thread with a known parent.
func (c channelInfo) isThread() bool {
	switch c.Type {
	case discordgo.ChannelTypeGuildNewsThread, discordgo.ChannelTypeGuildPublicThread, discordgo.ChannelTypeGuildPrivateThread:
		return c.ParentID != ""
	}
	return false
}

// errUnsupported is an interaction the adapter does not handle.
var errUnsupported = errors.New("unsupported interaction")

// parseInteraction decodes an interaction body, from the HTTP endpoint or
// the gateway.
func parseInteraction(body []byte) (interaction, error) {
	in := interaction{Interaction: &discordgo.Interaction{}}
	if err := json.Unmarshal(body, in.Interaction); err != nil {
		return in, fmt.Errorf("decode interaction: %w", err)
	}
	var extra struct {
		Channel *channelInfo `json:"channel"`
	}
	if err := json.Unmarshal(body, &extra); err != nil {
		return in, fmt.Errorf("decode interaction channel: %w", err)
	}
	if extra.Channel != nil {
		in.channel = *extra.Channel
	}
	if in.ID == "" || in.Type == 0 {
		return in, errors.New("decode interaction: no id or type")
	}
	return in, nil
}

// event turns a /wattson command or a click on a Wattson button into a bot
// event. The event's channel is the text channel even when the interaction
// came from a thread, so that approver rules and the digest see the
// channel they name; the thread is kept in Thread.
func event(in interaction) (bot.Event, error) {
	ev := bot.Event{ID: in.ID, Platform: Platform, Channel: in.ChannelID, ChannelName: in.channel.Name}
	switch {
	case in.Member != nil && in.Member.User != nil:
		ev.User, ev.Groups = in.Member.User.ID, in.Member.Roles
	case in.User != nil:
		ev.User = in.User.ID
	}
	if ev.User == "" || ev.Channel == "" {
		return ev, fmt.Errorf("%w: no user or channel", errUnsupported)
	}
	thread := ""
	if in.channel.isThread() {
		thread, ev.Channel, ev.ChannelName = in.ChannelID, in.channel.ParentID, ""
	}
	switch in.Type {
	case discordgo.InteractionApplicationCommand:
		d, ok := in.Data.(discordgo.ApplicationCommandInteractionData)
		if !ok {
			return ev, fmt.Errorf("%w: command without data", errUnsupported)
		}
		text, err := commandText(d)
		if err != nil {
			return ev, fmt.Errorf("%w: %w", errUnsupported, err)
		}
		ev.Kind, ev.Text = bot.EventCommand, text
		if thread != "" {
			ev.Thread = joinID(thread, "")
		}
		return ev, nil
	case discordgo.InteractionMessageComponent:
		d, ok := in.Data.(discordgo.MessageComponentInteractionData)
		if !ok || in.Message == nil || in.Message.ID == "" {
			return ev, fmt.Errorf("%w: component without data or message", errUnsupported)
		}
		action, value, card, ok := parseCustomID(d.CustomID)
		if !ok {
			return ev, fmt.Errorf("%w: foreign component %q", errUnsupported, d.CustomID)
		}
		id, version, err := bot.ParseButtonValue(value)
		if err != nil {
			return ev, fmt.Errorf("%w: %w", errUnsupported, err)
		}
		ev.Kind, ev.Action, ev.RecordID, ev.Version = bot.EventButton, action, id, version
		ev.Thread = joinID(thread, in.Message.ID)
		if card != "" {
			ev.Thread = card // confirmed in a question about the card
		}
		return ev, nil
	case discordgo.InteractionModalSubmit:
		d, ok := in.Data.(discordgo.ModalSubmitInteractionData)
		if !ok {
			return ev, fmt.Errorf("%w: modal without data", errUnsupported)
		}
		action, value, card, ok := parseCustomID(d.CustomID)
		if !ok || !action.AsksReason() {
			return ev, fmt.Errorf("%w: foreign modal %q", errUnsupported, d.CustomID)
		}
		id, version, err := bot.ParseButtonValue(value)
		if err != nil {
			return ev, fmt.Errorf("%w: %w", errUnsupported, err)
		}
		if card == "" && in.Message != nil && in.Message.ID != "" {
			card = joinID(thread, in.Message.ID)
		}
		if card == "" {
			return ev, fmt.Errorf("%w: modal of no message", errUnsupported)
		}
		ev.Kind, ev.Action, ev.RecordID, ev.Version, ev.Thread = bot.EventButton, action, id, version, card
		ev.Reason = reasonOf(d)
		return ev, nil
	}
	return ev, fmt.Errorf("%w: type %d", errUnsupported, in.Type)
}

// parseCustomID reads a Wattson button's "wattson:<action>:<value>",
// and the ref id of the card it stands for when it was asked about one
// (":<card>" after the value; see ask.go).
func parseCustomID(id string) (action bot.Action, value, card string, ok bool) {
	rest, ok := strings.CutPrefix(id, actionPrefix)
	if !ok {
		return "", "", "", false
	}
	a, value, ok := strings.Cut(rest, ":")
	value, card, _ = strings.Cut(value, cardSep)
	return bot.Action(a), value, card, ok && a != "" && value != ""
}
