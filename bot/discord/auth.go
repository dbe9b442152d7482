package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/bwmarrin/discordgo"

	"github.com/wattson-dev/wattson/bot"
)

// CheckAuth asks Discord which application the bot token belongs to
// (GET /applications/@me). A token Discord refuses, or one of another
// application than Options.ApplicationID, gives an error wrapping
// bot.ErrCredentials that says what to fix; a Discord that cannot be
// reached gives another error.
func (a *Adapter) CheckAuth(ctx context.Context) error {
	body, err := a.s.RequestWithBucketID(http.MethodGet, discordgo.EndpointApplications+"/@me", nil, discordgo.EndpointApplications+"/@me",
		discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
	var re *discordgo.RESTError
	switch {
	case errors.As(err, &re) && re.Response != nil && (re.Response.StatusCode == http.StatusUnauthorized || re.Response.StatusCode == http.StatusForbidden):
		return fmt.Errorf("discord: GET /applications/@me: %s: %w; check DISCORD_BOT_TOKEN (the bot's token, without \"Bot \")", re.Response.Status, bot.ErrCredentials)
	case err != nil:
		return fmt.Errorf("discord: GET /applications/@me: %w", err)
	}
	var app struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	if err := json.Unmarshal(body, &app); err != nil {
		return fmt.Errorf("discord: GET /applications/@me: %w", err)
	}
	if a.o.ApplicationID != "" && app.ID != a.o.ApplicationID {
		return fmt.Errorf("discord: the bot token is application %s's, not discord.application_id %s: %w; check DISCORD_APPLICATION_ID",
			app.ID, a.o.ApplicationID, bot.ErrCredentials)
	}
	a.log.InfoContext(ctx, "discord credentials checked", "application", app.ID, "name", app.Name)
	return nil
}
