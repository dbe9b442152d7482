package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/wattson-dev/wattson/bot"

	"github.com/wattson-dev/wattson/cmd/wattson/internal/endpoint"
	"github.com/wattson-dev/wattson/detector/prom/promql"
	"github.com/wattson-dev/wattson/store/periodic/cronspec"
)

// validate checks the config as a whole and reports every problem it finds,
// each naming the key it is about.
func (c config) validate() error {
	var errs []error
	bad := func(key, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, a...)))
	}
	check := func(key string, err error) {
		if err != nil {
			bad(key, "%v", err)
		}
	}
	url := func(key, raw string, schemes ...string) {
		if raw != "" {
			check(key, endpoint.CheckURL(raw, schemes...))
		}
	}
	url("store.redis_url", string(c.Store.RedisURL), "redis", "rediss", "unix")
	url("slack.api_url", c.Slack.APIURL, "http", "https")
	url("discord.api_url", c.Discord.APIURL, "http", "https")
	url("github.api_url", c.GitHub.APIURL, "http", "https")
	url("llm.base_url", c.LLM.BaseURL, "http", "https")
	url("detection.prometheus", c.Detection.Prometheus, "http", "https")
	check("server.listen", endpoint.CheckListen(c.Server.Listen))
	if c.Chat.RemindAfter < 0 {
		bad("chat.remind_after", "must not be negative, got %v", c.Chat.RemindAfter)
	}
	if c.Slack.MinInterval < 0 {
		bad("slack.min_interval", "must not be negative, got %v", c.Slack.MinInterval)
	}
	if c.LLM.ToolTimeout < 0 {
		bad("llm.tool_timeout", "must not be negative, got %v", c.LLM.ToolTimeout)
	}
	if c.DataDir == "" {
		bad("data_dir", "must not be empty")
	}
	switch c.Store.Backend {
	case "embedded":
	case "redis":
		if c.Store.RedisURL == "" {
			bad("store.redis_url", "required when store.backend is redis (or set WATTSON_REDIS_URL)")
		}
	default:
		bad("store.backend", "%q is not one of embedded, redis", c.Store.Backend)
	}
	if b := c.Store.Backup; b.Schedule != "" {
		check("store.backup.schedule", cronspec.Check(b.Schedule, ""))
		switch {
		case c.Store.Backend != "embedded":
			bad("store.backup", "backs up the embedded store; Redis has its own persistence (RDB, AOF)")
		case b.Dir == "":
			bad("store.backup.dir", "required with store.backup.schedule")
		}
		if b.Keep < 0 {
			bad("store.backup.keep", "must not be negative, got %d", b.Keep)
		}
	}
	for i, p := range c.Chat.Platforms {
		key := fmt.Sprintf("chat.platforms[%d]", i)
		switch p {
		case "console":
		case "slack":
			if c.Slack.BotToken == "" {
				bad("slack.bot_token", "required when slack is enabled (or set SLACK_BOT_TOKEN)")
			}
			if c.Slack.SocketMode && c.Slack.AppToken == "" {
				bad("slack.app_token", "required for socket_mode (or set SLACK_APP_TOKEN)")
			}
			if !c.Slack.SocketMode && c.Slack.SigningSecret == "" {
				bad("slack.signing_secret", "required for the HTTP endpoints (or set SLACK_SIGNING_SECRET)")
			}
		case "discord":
			if c.Discord.BotToken == "" {
				bad("discord.bot_token", "required when discord is enabled (or set DISCORD_BOT_TOKEN)")
			}
			if c.Discord.ApplicationID == "" {
				bad("discord.application_id", "required when discord is enabled (or set DISCORD_APPLICATION_ID)")
			}
			if k, err := hex.DecodeString(c.Discord.PublicKey); err != nil || len(k) != 32 {
				bad("discord.public_key", "must be the application's 64-hex-digit public key (or set DISCORD_PUBLIC_KEY)")
			}
		default:
			bad(key, "%q is not one of console, slack, discord", p)
		}
		if slices.Index(c.Chat.Platforms, p) != i {
			bad(key, "%q is listed twice", p)
		}
	}
	if c.LLM.BaseURL != "" && c.LLM.Model == "" {
		// Only OpenAI's own API has a model worth assuming; a local
		// server (Ollama, vLLM, llama.cpp) serves what it was given.
		bad("llm.model", "required with llm.base_url: name a model the server serves, e.g. llama3.1:8b for Ollama (or set WATTSON_LLM_MODEL)")
	}
	if c.LLM.MaxSteps <= 0 {
		bad("llm.max_steps", "must be positive, got %d", c.LLM.MaxSteps)
	}
	if c.LLM.TokenBudget <= 0 {
		bad("llm.token_budget", "must be positive, got %d", c.LLM.TokenBudget)
	}
	if c.Impact.WattsPerCore <= 0 {
		bad("impact.watts_per_core", "must be positive, got %g", c.Impact.WattsPerCore)
	}
	names := map[string]bool{}
	for i, j := range c.Detection.Jobs {
		key := fmt.Sprintf("detection.jobs[%d]", i)
		if j.Name == "" {
			bad(key+".name", "required")
		} else if names[j.Name] {
			bad(key+".name", "%q is used by another job", j.Name)
		}
		names[j.Name] = true
		if _, err := bot.ParseUnit(j.Unit); err != nil {
			bad(key+".unit", "%v", err)
		}
		if j.Query == "" {
			bad(key+".query", "required")
		} else {
			check(key+".query", promql.Check(j.Query))
		}
		if j.Step <= 0 {
			bad(key+".step", "must be a positive duration such as 5m")
		}
		if j.Lookback < 10*j.Step {
			bad(key+".lookback", "must cover at least 10 steps, got %v at step %v", j.Lookback, j.Step)
		}
		check(key+".schedule", cronspec.Check(j.Schedule, j.TimeZone))
		if w := j.Policy.Worse; w != "" && w != "higher" && w != "lower" {
			bad(key+".policy.worse", "%q is not one of higher, lower", w)
		}
		if v := j.Investigate; v != "" && v != "auto" && v != "manual" {
			bad(key+".investigate", "%q is not one of auto, manual", v)
		}
		if j.Policy.MinPct < 0 || j.Policy.MinAbs < 0 || j.Policy.MinDuration < 0 {
			bad(key+".policy", "min_pct, min_abs and min_duration must not be negative")
		}
	}
	if c.Detection.MaxSamples < 0 {
		bad("detection.max_samples", "must not be negative, got %d", c.Detection.MaxSamples)
	}
	if len(c.Detection.Jobs) > 0 && c.Detection.Prometheus == "" {
		bad("detection.prometheus", "required when detection.jobs are configured")
	}
	svcs := map[string]bool{}
	for i, sv := range c.Services {
		key := fmt.Sprintf("services[%d]", i)
		switch {
		case sv.Name == "":
			bad(key+".name", "required")
		case svcs[sv.Name]:
			bad(key+".name", "%q is listed twice", sv.Name)
		}
		svcs[sv.Name] = true
		if sv.Repo != "" && sv.GitHub != "" {
			bad(key, "give repo or github, not both")
		}
		if v := sv.Investigate; v != "" && v != "auto" && v != "manual" {
			bad(key+".investigate", "%q is not one of auto, manual", v)
		}
		if o, r, ok := strings.Cut(sv.GitHub, "/"); sv.GitHub != "" && (!ok || o == "" || r == "" || strings.Contains(r, "/")) {
			bad(key+".github", "want owner/repo, not %q", sv.GitHub)
		}
		if sv.RPS < 0 {
			bad(key+".rps", "must not be negative")
		}
		if sv.Functions != nil {
			errs = append(errs, sv.Functions.Check(key+".functions")...)
		}
	}
	if c.GitHub.AppID != 0 && (c.GitHub.PrivateKeyFile == "" || c.GitHub.InstallationID == 0) {
		bad("github.app_id", "a GitHub App also needs github.private_key_file and github.installation_id")
	}
	for i, r := range c.Routes {
		if r.Channel == "" {
			bad(fmt.Sprintf("routes[%d].channel", i), "required")
		}
	}
	for i, a := range c.Approvers {
		key := fmt.Sprintf("approvers[%d]", i)
		if a.Service == "" && a.Channel == "" {
			bad(key, "needs a service or a channel")
		}
		if len(a.Users) == 0 && len(a.Groups) == 0 {
			bad(key, "needs at least one of users, groups")
		}
		if strings.HasPrefix(a.Channel, "#") && (slices.Contains(c.Chat.Platforms, "slack") || slices.Contains(c.Chat.Platforms, "discord")) {
			bad(key+".channel", "%q is a channel name; approver rules match channel ids (like C024BE91L), since anyone may name a channel", a.Channel)
		}
	}
	errs = append(errs, c.validateOffenseDigest()...)
	return errors.Join(errs...)
}
