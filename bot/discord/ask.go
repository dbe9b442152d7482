package discord

import (
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/wattson-dev/wattson/bot"
)

// Clicks that ask first. Discord has no confirm dialog on a button, so a
// button with a Confirm (approve, roll back) carries the custom_id
// "wattson?<action>:<value>"; its click is answered at once, to the
// clicker alone, with the question and two buttons: Confirm, an ordinary
// "wattson:<action>:<value>:<card>" click naming the card it was asked
// from, and Cancel. A click of an action that asks why (reject, dismiss)
// opens a modal (response type 9) whose custom_id is the same ordinary
// click; its submission (interaction type 5) is the click, with the
// reason. Neither question reaches the bot: it sees one click, once the
// user has confirmed or said why.

const (
	askPrefix  = "wattson?"
	cancelID   = "wattson-cancel"
	reasonID   = "reason"
	maxModal   = 45 // a modal's title and a text input's label
	maxReason  = 500
	cardSep    = ":"
	cancelText = "Cancelled: nothing was done."
)

// customID is the custom_id of a button: one that asks first when the
// button has a Confirm.
func customID(b bot.Button) string {
	if b.Confirm != nil {
		return askPrefix + string(b.Action) + ":" + b.Value()
	}
	return actionPrefix + string(b.Action) + ":" + b.Value()
}

// clickID is the custom_id of the click a question stands for, on the
// card at card (a ref id: "thread/message"); without the card when the
// id would be too long.
func clickID(action bot.Action, value, card string) string {
	id := actionPrefix + string(action) + ":" + value
	if withCard := id + cardSep + card; card != "" && len(withCard) <= maxCustomID {
		return withCard
	}
	return id
}

// card is the ref id of the message a component was clicked on.
func card(in interaction) string {
	if in.Message == nil {
		return ""
	}
	thread := ""
	if in.channel.isThread() {
		thread = in.ChannelID
	}
	return joinID(thread, in.Message.ID)
}

// question answers the clicks that do not reach the bot: the first click
// of a button that asks first (the question), Cancel, and a click that
// asks why (the modal). It reports whether in was one of them.
func question(in interaction) (*discordgo.InteractionResponse, bool) {
	if in.Type != discordgo.InteractionMessageComponent {
		return nil, false
	}
	d, ok := in.Data.(discordgo.MessageComponentInteractionData)
	if !ok {
		return nil, false
	}
	if d.CustomID == cancelID {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage,
			Data: &discordgo.InteractionResponseData{Content: cancelText, Components: []discordgo.MessageComponent{}, Embeds: []*discordgo.MessageEmbed{}}}, true
	}
	if rest, ok := strings.CutPrefix(d.CustomID, askPrefix); ok {
		action, value, ok := strings.Cut(rest, ":")
		if !ok || action == "" || value == "" {
			return nil, false
		}
		return confirmation(in, d.CustomID, bot.Action(action), value), true
	}
	action, value, _, ok := parseCustomID(d.CustomID)
	if !ok || !action.AsksReason() {
		return nil, false
	}
	return reasonModal(action, value, card(in)), true
}

// confirmation is the private question a click on the button askID asks:
// the button's label and the card's title, then Confirm and Cancel.
func confirmation(in interaction, askID string, action bot.Action, value string) *discordgo.InteractionResponse {
	label, style := labelOf(in.Message, askID)
	if label == "" {
		label = strings.ToUpper(string(action[:1])) + string(action[1:])
	}
	what := value
	if in.Message != nil && len(in.Message.Embeds) > 0 && in.Message.Embeds[0].Title != "" {
		what = in.Message.Embeds[0].Title
	}
	id, _, _ := strings.Cut(value, "@")
	text := fmt.Sprintf("**%s?** %s\nNothing happens until you confirm.", label, truncate(what, maxTitle))
	if !strings.Contains(what, id) {
		text = fmt.Sprintf("**%s %s?** %s\nNothing happens until you confirm.", label, id, truncate(what, maxTitle))
	}
	row := discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: truncate("Yes, "+strings.ToLower(label[:1])+label[1:], maxLabel), Style: style, CustomID: clickID(action, value, card(in))},
		discordgo.Button{Label: "Cancel", Style: discordgo.SecondaryButton, CustomID: cancelID},
	}}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: truncate(text, maxContent), Flags: discordgo.MessageFlagsEphemeral,
			Components: []discordgo.MessageComponent{row}, AllowedMentions: allowedMentions()}}
}

// labelOf finds the label and style of the button id on m.
func labelOf(m *discordgo.Message, id string) (string, discordgo.ButtonStyle) {
	if m == nil {
		return "", discordgo.PrimaryButton
	}
	var label string
	style := discordgo.PrimaryButton
	var walk func(c discordgo.MessageComponent)
	walk = func(c discordgo.MessageComponent) {
		switch c := c.(type) {
		case *discordgo.ActionsRow:
			for _, e := range c.Components {
				walk(e)
			}
		case discordgo.ActionsRow:
			walk(&c)
		case *discordgo.Button:
			if c.CustomID == id {
				label, style = c.Label, c.Style
			}
		case discordgo.Button:
			walk(&c)
		}
	}
	for _, c := range m.Components {
		walk(c)
	}
	return label, style
}

// reasonModal asks why before the click of action on value, made on the
// card at card.
func reasonModal(action bot.Action, value, card string) *discordgo.InteractionResponse {
	verb := strings.ToUpper(string(action[:1])) + string(action[1:])
	id, _, _ := strings.Cut(value, "@")
	input := discordgo.TextInput{CustomID: reasonID, Label: truncate(fmt.Sprintf("Why %s %s?", action, id), maxModal),
		Style: discordgo.TextInputParagraph, Placeholder: "e.g. fix forward instead", Required: true, MaxLength: maxReason}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: clickID(action, value, card), Title: truncate(verb+" "+id, maxModal),
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{input}}}}}
}

// reasonOf is the answer in a submitted reason modal.
func reasonOf(d discordgo.ModalSubmitInteractionData) string {
	var reason string
	var walk func(c discordgo.MessageComponent)
	walk = func(c discordgo.MessageComponent) {
		switch c := c.(type) {
		case *discordgo.ActionsRow:
			for _, e := range c.Components {
				walk(e)
			}
		case discordgo.ActionsRow:
			walk(&c)
		case *discordgo.TextInput:
			if c.CustomID == reasonID {
				reason = c.Value
			}
		case discordgo.TextInput:
			walk(&c)
		}
	}
	for _, c := range d.Components {
		walk(c)
	}
	return strings.TrimSpace(reason)
}

// isAnswer reports whether in answers a private question: a Confirm
// click, which names the card it was asked about.
func isAnswer(in interaction) bool {
	d, ok := in.Data.(discordgo.MessageComponentInteractionData)
	if !ok || in.Type != discordgo.InteractionMessageComponent {
		return false
	}
	_, _, card, ok := parseCustomID(d.CustomID)
	return ok && card != ""
}
