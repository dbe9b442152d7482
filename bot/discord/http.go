package discord

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Routes registers the HTTP Interactions Endpoint on mux:
// POST /discord/interactions. Every request is verified against the
// application's public key, within five minutes and never replayed, before
// anything else; a request that fails gets 401, as Discord requires.
func (a *Adapter) Routes(mux *http.ServeMux, h Handler) {
	mux.HandleFunc("POST /discord/interactions", a.handleInteractions(h))
}

func (a *Adapter) handleInteractions(h Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		body, err := verify(r.Context(), r, a.key, a.o.Now(), a.o.Seen)
		if errors.Is(err, errUnauthorized) {
			a.m.requests.WithLabelValues("http", "unauthorized").Inc()
			a.log.WarnContext(r.Context(), "discord request refused", "reason", err, "remote", r.RemoteAddr)
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		if err != nil {
			a.m.requests.WithLabelValues("http", "error").Inc()
			a.log.ErrorContext(r.Context(), "discord request not verified", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		in, err := parseInteraction(body)
		if err != nil {
			a.m.requests.WithLabelValues("http", "bad_request").Inc()
			a.log.WarnContext(r.Context(), "bad discord interaction", "err", err)
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		respond := func(resp *discordgo.InteractionResponse) error {
			w.Header().Set("Content-Type", "application/json")
			return json.NewEncoder(w).Encode(resp)
		}
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 10*time.Minute)
		a.interact(ctx, cancel, h, in, respond, "http")
		a.m.ack.WithLabelValues("http").Observe(time.Since(start).Seconds())
	}
}
