package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/wattson-dev/wattson/bot"
)

// Routes registers the Slack endpoints on mux: /slack/commands,
// /slack/interactions and /slack/events. Every request is verified
// against the signing secret, within five minutes and never replayed,
// before anything else happens; a request that fails gets 401.
func (a *Adapter) Routes(mux *http.ServeMux, h Handler) {
	mux.HandleFunc("POST /slack/commands", a.handleCommands(h))
	mux.HandleFunc("POST /slack/interactions", a.handleInteractions(h))
	mux.HandleFunc("POST /slack/events", a.handleEvents(h))
}

// verified reads and verifies a request, answering 401 or 500 itself when
// it fails.
func (a *Adapter) verified(w http.ResponseWriter, r *http.Request, endpoint string) ([]byte, bool) {
	body, err := verify(r.Context(), r, a.o.SigningSecret, a.o.Now(), a.o.Seen)
	if errors.Is(err, errUnauthorized) {
		a.m.requests.WithLabelValues(endpoint, "unauthorized").Inc()
		a.log.WarnContext(r.Context(), "slack request refused", "endpoint", endpoint, "reason", err, "remote", r.RemoteAddr)
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return nil, false
	}
	if err != nil {
		a.m.requests.WithLabelValues(endpoint, "error").Inc()
		a.log.ErrorContext(r.Context(), "slack request not verified", "endpoint", endpoint, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return nil, false
	}
	return body, true
}

func (a *Adapter) badRequest(w http.ResponseWriter, endpoint string, err error) {
	a.m.requests.WithLabelValues(endpoint, "bad_request").Inc()
	a.log.Warn("bad slack request", "endpoint", endpoint, "err", err)
	http.Error(w, "bad request", http.StatusBadRequest)
}

// background is the context for work that outlives a request: it keeps the
// request's values but not its cancellation, and is bounded.
func background(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(r.Context()), 10*time.Minute)
}

func (a *Adapter) handleCommands(h Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		body, ok := a.verified(w, r, "commands")
		if !ok {
			return
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			a.badRequest(w, "commands", err)
			return
		}
		ev, responseURL := commandEvent(form)
		if n := r.Header.Get("X-Slack-Retry-Num"); n != "" {
			a.log.InfoContext(r.Context(), "slack command retried", "event", ev.ID, "retry", n, "reason", r.Header.Get("X-Slack-Retry-Reason"))
		}
		ctx, cancel := background(r)
		reply, inline := a.answer(ctx, cancel, h, ev, responseURL)
		a.m.requests.WithLabelValues("commands", "ok").Inc()
		if inline {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(responsePayload(reply))
		} else {
			w.WriteHeader(http.StatusOK)
		}
		a.m.ack.WithLabelValues("commands").Observe(time.Since(start).Seconds())
	}
}

// answer runs the handler for ev and returns its reply when it comes within
// the ack budget. Otherwise the reply is sent to responseURL when it comes,
// and answer returns inline=false at once. cancel is called when the work
// is done.
func (a *Adapter) answer(ctx context.Context, cancel context.CancelFunc, h Handler, ev bot.Event, responseURL string) (bot.Message, bool) {
	res := make(chan bot.Message, 1)
	a.work.Add(1)
	go func() {
		defer a.work.Done()
		a.withGroups(ctx, &ev)
		res <- h.Handle(ctx, ev)
	}()
	budget := time.NewTimer(a.o.AckBudget)
	defer budget.Stop()
	select {
	case m := <-res:
		cancel()
		return m, !m.IsZero()
	case <-budget.C:
	}
	a.work.Add(1)
	go func() {
		defer a.work.Done()
		defer cancel()
		m := <-res
		if m.IsZero() {
			return
		}
		if err := a.respond(ctx, responseURL, m); err != nil {
			a.log.ErrorContext(ctx, "late reply not sent", "err", err)
		}
	}()
	return bot.Message{}, false
}

func (a *Adapter) handleInteractions(h Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		body, ok := a.verified(w, r, "interactions")
		if !ok {
			return
		}
		cb, err := parseInteraction(body)
		if err != nil {
			a.badRequest(w, "interactions", err)
			return
		}
		a.m.requests.WithLabelValues("interactions", "ok").Inc()
		w.WriteHeader(http.StatusOK) // an empty 200 also closes a modal
		a.m.ack.WithLabelValues("interactions").Observe(time.Since(start).Seconds())
		ctx, cancel := background(r)
		a.work.Add(1)
		go func() {
			defer a.work.Done()
			defer cancel()
			if ev, thread, ok := reasonEvent(cb); ok {
				a.submitted(ctx, h, ev, thread)
				return
			}
			a.clicked(ctx, h, cb)
		}()
	}
}

// parseInteraction decodes the payload form field of an interaction.
func parseInteraction(body []byte) (slack.InteractionCallback, error) {
	var cb slack.InteractionCallback
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return cb, err
	}
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		return cb, err
	}
	return cb, nil
}

// clicked hands each Wattson button of a block_actions interaction to h and
// delivers the replies: private ones to the clicker only, public ones in
// the thread.
func (a *Adapter) clicked(ctx context.Context, h Handler, cb slack.InteractionCallback) {
	thread := cb.Container.ThreadTs
	if thread == "" {
		thread = cb.Container.MessageTs
	}
	for _, ev := range buttonEvents(cb) {
		if ev.Action.AsksReason() {
			// Asked why first; the modal's submission is the click.
			if err := a.openReason(ctx, cb.TriggerID, ev, thread); err != nil {
				a.log.ErrorContext(ctx, "reason modal not opened", "action", ev.Action, "record", ev.RecordID, "err", err)
				_ = a.respond(ctx, cb.ResponseURL, bot.Message{Private: true,
					Text: fmt.Sprintf("I couldn't ask why (Slack: %v). Use `/wattson %s %s <why>` instead.", err, ev.Action, ev.RecordID)})
			}
			continue
		}
		a.withGroups(ctx, &ev)
		reply := h.Handle(ctx, ev)
		if reply.IsZero() {
			continue
		}
		var err error
		if reply.Private {
			err = a.respond(ctx, cb.ResponseURL, reply)
		} else {
			_, err = a.Post(ctx, ev.Channel, thread, reply)
		}
		if err != nil {
			a.log.ErrorContext(ctx, "button reply not sent", "action", ev.Action, "record", ev.RecordID, "err", err)
		}
	}
}

func (a *Adapter) handleEvents(h Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		body, ok := a.verified(w, r, "events")
		if !ok {
			return
		}
		outer, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
		if err != nil {
			a.badRequest(w, "events", err)
			return
		}
		if outer.Type == slackevents.URLVerification {
			var c slackevents.ChallengeResponse
			if err := json.Unmarshal(body, &c); err != nil {
				a.badRequest(w, "events", err)
				return
			}
			w.Header().Set("Content-Type", "text/plain")
			_, _ = w.Write([]byte(c.Challenge))
			return
		}
		a.m.requests.WithLabelValues("events", "ok").Inc()
		w.WriteHeader(http.StatusOK)
		a.m.ack.WithLabelValues("events").Observe(time.Since(start).Seconds())
		ev, ok := mentionEvent(outer)
		if !ok {
			return
		}
		if n := r.Header.Get("X-Slack-Retry-Num"); n != "" {
			a.log.InfoContext(r.Context(), "slack event retried", "event", ev.ID, "retry", n, "reason", r.Header.Get("X-Slack-Retry-Reason"))
		}
		ctx, cancel := background(r)
		a.work.Add(1)
		go func() {
			defer a.work.Done()
			defer cancel()
			a.mentioned(ctx, h, ev)
		}()
	}
}

// mentioned hands a mention to h and replies in its thread (privately
// when the reply is meant for the asker only: in the channel for a
// top-level mention, which has no thread yet to show it in).
func (a *Adapter) mentioned(ctx context.Context, h Handler, m mentioned) {
	ev := m.Event
	reply := h.Handle(ctx, ev)
	if reply.IsZero() {
		return
	}
	var err error
	if reply.Private {
		thread := ev.Thread
		if m.topLevel {
			thread = ""
		}
		err = a.ephemeral(ctx, ev.Channel, ev.User, thread, reply)
	} else {
		_, err = a.Post(ctx, ev.Channel, ev.Thread, reply)
	}
	if err != nil {
		a.log.ErrorContext(ctx, "mention reply not sent", "event", ev.ID, "err", err)
	}
}
