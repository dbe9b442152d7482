package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/wattson-dev/wattson/bot"
)

// A click on a button that asks why (reject, dismiss) opens a modal
// (views.open with the click's trigger_id) instead of acting. Its
// submission (a view_submission interaction) carries the reason and is
// handed to the bot as the click itself, with Event.Reason set. The modal
// remembers the click in its private_metadata.

const (
	reasonCallback = "wattson:reason"
	reasonBlock    = "reason"
	reasonAction   = "reason"
	maxModalTitle  = 24 // a modal's title and buttons: 24 characters
	maxReason      = 500
)

// reasonMeta is the click a reason modal was opened for.
type reasonMeta struct {
	Action  string `json:"a"`
	Value   string `json:"v"`
	Channel string `json:"c"`
	Thread  string `json:"t"`
	Card    string `json:"m"`
}

// reasonView is the modal that asks why for the click ev, made in thread.
func reasonView(ev bot.Event, thread string) slack.ModalViewRequest {
	verb := map[bot.Action]string{bot.ActionReject: "Reject", bot.ActionDismiss: "Dismiss"}[ev.Action]
	value := ev.RecordID
	if ev.Version > 0 {
		value = bot.Button{RecordID: ev.RecordID, Version: ev.Version}.Value()
	}
	meta, _ := json.Marshal(reasonMeta{Action: string(ev.Action), Value: value, Channel: ev.Channel, Thread: thread, Card: ev.Thread})
	input := slack.NewPlainTextInputBlockElement(slack.NewTextBlockObject(slack.PlainTextType, "e.g. fix forward instead", false, false), reasonAction)
	input.Multiline, input.MaxLength = true, maxReason
	label := fmt.Sprintf("Why %s %s?", strings.ToLower(verb), ev.RecordID)
	hint := slack.NewTextBlockObject(slack.PlainTextType, "Stored with the decision and shown in the thread.", false, false)
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      reasonCallback,
		Title:           slack.NewTextBlockObject(slack.PlainTextType, truncate(verb+" "+ev.RecordID, maxModalTitle), false, false),
		Submit:          slack.NewTextBlockObject(slack.PlainTextType, verb, false, false),
		Close:           slack.NewTextBlockObject(slack.PlainTextType, "Cancel", false, false),
		PrivateMetadata: string(meta),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock(reasonBlock, slack.NewTextBlockObject(slack.PlainTextType, label, false, false), hint, input),
		}},
	}
}

// openReason opens the reason modal of a click.
func (a *Adapter) openReason(ctx context.Context, triggerID string, ev bot.Event, thread string) error {
	if _, err := a.api.OpenViewContext(ctx, triggerID, reasonView(ev, thread)); err != nil {
		return fmt.Errorf("open reason modal: %w", err)
	}
	return nil
}

// reasonEvent turns the submission of a reason modal into the click it
// was opened for, with the reason; anything else gives none.
func reasonEvent(cb slack.InteractionCallback) (ev bot.Event, thread string, ok bool) {
	if cb.Type != slack.InteractionTypeViewSubmission || cb.View.CallbackID != reasonCallback {
		return bot.Event{}, "", false
	}
	var meta reasonMeta
	if err := json.Unmarshal([]byte(cb.View.PrivateMetadata), &meta); err != nil {
		return bot.Event{}, "", false
	}
	id, version, err := bot.ParseButtonValue(meta.Value)
	if err != nil || !bot.Action(meta.Action).AsksReason() {
		return bot.Event{}, "", false
	}
	reason := strings.TrimSpace(cb.View.State.Values[reasonBlock][reasonAction].Value)
	return bot.Event{
		Kind: bot.EventButton, ID: "view/" + digest(cb.Team.ID, cb.User.ID, cb.View.ID), Platform: Platform,
		Channel: meta.Channel, Thread: meta.Card, User: cb.User.ID,
		Action: bot.Action(meta.Action), RecordID: id, Version: version, Reason: reason,
	}, meta.Thread, true
}

// submitted hands a reason modal's submission to h as its click and
// delivers the reply: a private one to the user only, a public one in
// the thread.
func (a *Adapter) submitted(ctx context.Context, h Handler, ev bot.Event, thread string) {
	a.withGroups(ctx, &ev)
	reply := h.Handle(ctx, ev)
	if reply.IsZero() {
		return
	}
	var err error
	if reply.Private {
		err = a.ephemeral(ctx, ev.Channel, ev.User, thread, reply)
	} else {
		_, err = a.Post(ctx, ev.Channel, thread, reply)
	}
	if err != nil {
		a.log.ErrorContext(ctx, "reason reply not sent", "action", ev.Action, "record", ev.RecordID, "err", err)
	}
}

// ephemeral shows m to user alone, in channel (in thread when set).
func (a *Adapter) ephemeral(ctx context.Context, channel, user, thread string, m bot.Message) error {
	r := Render(m)[0]
	return a.out.Do(ctx, channel, func(ctx context.Context) error {
		opts := []slack.MsgOption{slack.MsgOptionText(r.Text, false), slack.MsgOptionBlocks(r.Blocks...)}
		if thread != "" {
			opts = append(opts, slack.MsgOptionTS(thread))
		}
		_, err := a.api.PostEphemeralContext(ctx, channel, user, opts...)
		return err
	})
}
