package slack

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/wattson-dev/wattson/bot"
)

// commandEvent turns a slash command form into an event and its
// response URL.
func commandEvent(form url.Values) (bot.Event, string) {
	return bot.Event{
		Kind: bot.EventCommand, ID: commandID(form), Platform: Platform,
		Channel: form.Get("channel_id"), ChannelName: form.Get("channel_name"),
		User: form.Get("user_id"), Text: form.Get("text"),
	}, form.Get("response_url")
}

// commandID identifies one invocation of a slash command across Slack's
// deliveries of it. A retry (X-Slack-Retry-Num) is signed afresh, so the
// signature does not identify it; its form does, and its trigger_id is
// one per invocation. Without a trigger_id there is no telling a retry
// from the same command typed again, and the id is empty.
func commandID(form url.Values) string {
	if form.Get("trigger_id") == "" {
		return ""
	}
	return "command/" + digest(form.Get("team_id"), form.Get("channel_id"), form.Get("user_id"),
		form.Get("command"), form.Get("text"), form.Get("trigger_id"))
}

// buttonID identifies one click across Slack's deliveries of it: the
// interaction's trigger_id and the action's action_ts are one per click.
// Without either the id is empty.
func buttonID(cb slack.InteractionCallback, act *slack.BlockAction) string {
	if cb.TriggerID == "" && act.ActionTs == "" {
		return ""
	}
	return "button/" + digest(cb.Team.ID, cb.User.ID, cb.TriggerID, act.ActionID, act.ActionTs)
}

// digest is a short hash of parts that no two different lists of parts
// share.
func digest(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// buttonEvents turns the Wattson buttons of a block_actions interaction
// into events; other interactions and foreign buttons give none.
func buttonEvents(cb slack.InteractionCallback) []bot.Event {
	if cb.Type != slack.InteractionTypeBlockActions {
		return nil
	}
	channel := cb.Channel.ID
	if channel == "" {
		channel = cb.Container.ChannelID
	}
	var evs []bot.Event
	for _, act := range cb.ActionCallback.BlockActions {
		rest, ok := strings.CutPrefix(act.ActionID, actionPrefix)
		if !ok {
			continue
		}
		action, _, _ := strings.Cut(rest, ":")
		id, version, err := bot.ParseButtonValue(act.Value)
		if err != nil {
			continue
		}
		evs = append(evs, bot.Event{
			Kind: bot.EventButton, ID: buttonID(cb, act), Platform: Platform,
			Channel: channel, ChannelName: cb.Channel.Name, Thread: cb.Container.MessageTs,
			User: cb.User.ID, Action: bot.Action(action), RecordID: id, Version: version,
		})
	}
	return evs
}

// leadingMention matches the "<@U123>" the bot was addressed with.
func leadingMention() *regexp.Regexp {
	return regexp.MustCompile(`^\s*<@[A-Z0-9]+(?:\|[^>]*)?>[\s,:]*`)
}

// mentioned is a mention of the bot: the event, and whether it was made at
// the top of the channel rather than in a thread.
type mentioned struct {
	bot.Event
	topLevel bool
}

// mentionEvent turns an app_mention callback into an event; anything else
// (and mentions by bots, ours included) gives none. The event's thread is
// the mention's thread, or for a top-level mention the thread its public
// answer starts under it.
func mentionEvent(outer slackevents.EventsAPIEvent) (mentioned, bool) {
	cb, ok := outer.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok || outer.Type != slackevents.CallbackEvent {
		return mentioned{}, false
	}
	m, ok := outer.InnerEvent.Data.(*slackevents.AppMentionEvent)
	if !ok || m.BotID != "" || m.User == "" {
		return mentioned{}, false
	}
	thread := m.ThreadTimeStamp
	if thread == "" {
		thread = m.TimeStamp
	}
	return mentioned{Event: bot.Event{
		Kind: bot.EventMention, ID: cb.EventID, Platform: Platform,
		Channel: m.Channel, Thread: thread, User: m.User,
		Text: leadingMention().ReplaceAllString(m.Text, ""),
	}, topLevel: m.ThreadTimeStamp == ""}, true
}

// withGroups adds the user's Slack user groups to ev when it is a decision
// that approver rules may allow by group. When they cannot be looked up,
// ev gets none and GroupsErr says why, so that rules naming groups refuse.
func (a *Adapter) withGroups(ctx context.Context, ev *bot.Event) {
	if !isDecision(*ev) {
		return
	}
	groups, err := a.groups.of(ctx, ev.User)
	if err != nil {
		a.log.WarnContext(ctx, "user groups unknown", "user", ev.User, "err", err)
		ev.Groups, ev.GroupsErr = nil, groupsErrText(err)
		return
	}
	ev.Groups = groups
}

// isDecision reports whether ev approves, rejects, rolls back or dismisses.
func isDecision(ev bot.Event) bool {
	switch ev.Kind {
	case bot.EventButton:
		return ev.Action != bot.ActionInvestigate
	case bot.EventCommand:
		verb, _, _ := strings.Cut(strings.TrimSpace(strings.ToLower(ev.Text)), " ")
		switch bot.Verb(verb) {
		case bot.VerbApprove, bot.VerbReject, bot.VerbRollback, bot.VerbDismiss:
			return true
		}
	}
	return false
}
