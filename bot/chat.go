package bot

import (
	"context"

	"github.com/wattson-dev/wattson/store"
)

// Chat is what the bot needs from a chat platform to speak: post a message
// (top level, or in the thread of an earlier one) and edit one it posted.
// Inbound traffic goes the other way, through Bot.Handle.
type Chat interface {
	// Post sends m to channel, in the thread of the message thread when
	// thread is not empty, and returns where it landed.
	Post(ctx context.Context, channel, thread string, m Message) (store.ThreadRef, error)
	// Update replaces the message at ref with m.
	Update(ctx context.Context, ref store.ThreadRef, m Message) error
}

// EventKind is what sort of inbound event an Event is.
type EventKind string

// The inbound event kinds.
const (
	// EventCommand is a /wattson slash command; Text is what follows it.
	EventCommand EventKind = "command"
	// EventMention is a message addressed to the bot; Text is the message
	// without the mention.
	EventMention EventKind = "mention"
	// EventButton is a click on a Button; Action, RecordID and Version say
	// which.
	EventButton EventKind = "button"
)

// Event is one inbound command, mention or button click, as an adapter
// hands it to Bot.Handle.
type Event struct {
	// Kind is command, mention or button.
	Kind EventKind
	// ID identifies what the user did across the platform's deliveries
	// of it (retries, redeliveries), used to drop duplicates: a Slack
	// event_id, a key from a Slack command's or click's trigger_id, a
	// Discord interaction or message id; empty when the platform gives
	// none.
	ID string
	// Platform is "slack", "discord" or "console".
	Platform string
	// Channel is the platform's channel id; ChannelName its readable name
	// without "#", when known. Approver rules match Channel only: a name
	// is the sender's to choose.
	Channel     string
	ChannelName string
	// Thread is the message the event was sent from or in, when any.
	Thread string
	// User is the platform's user id; Groups the user's group ids (Slack
	// user groups, Discord roles), for RBAC.
	User   string
	Groups []string
	// GroupsErr, when not empty, says why the user's groups could not be
	// looked up, in words for the user ("Slack said missing_scope"); Groups
	// is then empty, and approver rules that name groups refuse rather
	// than guess.
	GroupsErr string
	// Text is the command or mention text.
	Text string
	// Action, RecordID and Version describe a button click.
	Action   Action
	RecordID string
	Version  int
	// Reason is what the user wrote when a click asked why (see
	// Action.AsksReason).
	Reason string
}

// Where returns the thread ref the event came from.
func (e Event) Where() store.ThreadRef {
	return store.ThreadRef{Platform: e.Platform, Channel: e.Channel, MessageID: e.Thread}
}
