package slack

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// ServeSocketMode receives commands, button clicks and mentions over Slack's
// Socket Mode — a WebSocket the adapter opens with the app token, so no
// public URL is needed — and hands them to h until ctx ends. Requests are
// acknowledged at once; answers follow the same paths as over HTTP.
func (a *Adapter) ServeSocketMode(ctx context.Context, h Handler) error {
	if a.o.AppToken == "" {
		return errors.New("serve socket mode: no app token")
	}
	client := socketmode.New(a.api)
	errc := make(chan error, 1)
	go func() { errc <- client.RunContext(ctx) }()
	for {
		select {
		case <-ctx.Done():
			<-errc
			return nil
		case err := <-errc:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("serve socket mode: %w", err)
		case evt := <-client.Events:
			a.socketEvent(ctx, client, h, evt)
		}
	}
}

// socketEvent acknowledges and dispatches one Socket Mode event.
func (a *Adapter) socketEvent(ctx context.Context, client *socketmode.Client, h Handler, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok {
			return
		}
		form := url.Values{"team_id": {cmd.TeamID}, "channel_id": {cmd.ChannelID}, "channel_name": {cmd.ChannelName}, "user_id": {cmd.UserID},
			"command": {cmd.Command}, "text": {cmd.Text}, "response_url": {cmd.ResponseURL}, "trigger_id": {cmd.TriggerID}}
		ev, responseURL := commandEvent(form)
		wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		reply, inline := a.answer(wctx, cancel, h, ev, responseURL)
		var payload any
		if inline {
			payload = responsePayload(reply)
		}
		a.ack(ctx, client, evt, payload)
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		a.ack(ctx, client, evt, nil)
		if ok {
			a.work.Add(1)
			go func() {
				defer a.work.Done()
				a.clicked(context.WithoutCancel(ctx), h, cb)
			}()
		}
	case socketmode.EventTypeEventsAPI:
		outer, ok := evt.Data.(slackevents.EventsAPIEvent)
		a.ack(ctx, client, evt, nil)
		if !ok {
			return
		}
		if ev, ok := mentionEvent(outer); ok {
			a.work.Add(1)
			go func() {
				defer a.work.Done()
				a.mentioned(context.WithoutCancel(ctx), h, ev)
			}()
		}
	case socketmode.EventTypeInvalidAuth:
		a.log.ErrorContext(ctx, "socket mode: invalid app token")
	case socketmode.EventTypeConnected:
		a.log.InfoContext(ctx, "socket mode connected")
	}
}

func (a *Adapter) ack(ctx context.Context, client *socketmode.Client, evt socketmode.Event, payload any) {
	if evt.Request == nil {
		return
	}
	if err := client.AckCtx(ctx, evt.Request.EnvelopeID, payload); err != nil {
		a.log.WarnContext(ctx, "socket mode ack failed", "err", err)
	}
}
