// Package discord is Wattson's Discord adapter, built on discordgo. It posts
// and edits the bot's messages through Discord's REST API and receives the
// /wattson application command and button clicks either over the HTTP
// Interactions Endpoint (/discord/interactions, every request verified
// against the application's Ed25519 public key, with a fresh timestamp,
// before anything else) or over the gateway, which also brings mentions.
//
// Every inbound interaction becomes a bot.Event handed to the core's
// Handle, exactly as on Slack, so approvals, RBAC, idempotency and audit
// behave the same. Discord wants an answer within three seconds: the
// adapter gives the bot AckBudget to answer inline, and otherwise defers
// the interaction and follows up when the answer comes.
//
// A top-level message starts a thread of the same id; findings, progress
// and proposals are posted there. In thread refs the Channel is always the
// text channel (which routes, approver rules and the digest name) and a
// message inside a thread is "<thread id>/<message id>".
//
// Outbound messages go through a queue per Discord channel that keeps their
// order and waits out 429 answers (retry_after, per-route buckets kept by
// discordgo's rate limiter) instead of dropping anything. The API base URL
// is set per adapter through the HTTP client's transport, never through
// discordgo's package-level endpoint variables.
package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/outbox"
)

// Platform is the name Discord goes by in events and thread refs.
const Platform = "discord"

// Handler receives inbound events; *bot.Bot is one.
type Handler interface {
	Handle(ctx context.Context, ev bot.Event) bot.Message
}

// Remembers records keys for de-duplication; store.Store is one.
type Remembers interface {
	// Remember records key for ttl and reports whether it was new.
	Remember(ctx context.Context, key string, ttl time.Duration) (firstTime bool, err error)
}

// Options configure an Adapter.
type Options struct {
	// BotToken is the bot's token, without the "Bot " prefix.
	BotToken string
	// PublicKey is the application's Ed25519 public key, hex encoded, that
	// verifies requests to the Interactions Endpoint. Empty refuses them all.
	PublicKey string
	// ApplicationID is the application's id, for command registration.
	ApplicationID string
	// GuildID registers the command in one guild (at once); empty
	// registers it globally.
	GuildID string
	// APIURL replaces https://discord.com in every REST call, for tests and
	// proxies; empty means Discord's.
	APIURL string
	// HTTPClient calls the REST API; nil means a client with a 30 s
	// timeout. Its transport is wrapped, not changed.
	HTTPClient *http.Client
	// Seen de-duplicates request signatures (replays); nil turns replay
	// protection off.
	Seen Remembers
	// AckBudget is how long an interaction may take to be answered inline
	// before it is deferred and followed up; 0 means 2 s.
	AckBudget time.Duration
	// Now is the clock for signature timestamps; nil means time.Now.
	Now func() time.Time
	// Logger receives the adapter's logs; nil discards them.
	Logger *slog.Logger
	// Registerer receives the adapter's metrics; nil registers nowhere.
	Registerer prometheus.Registerer
}

// Adapter is the Discord chat platform. It implements bot.Chat.
type Adapter struct {
	o       Options
	key     ed25519.PublicKey
	s       *discordgo.Session
	log     *slog.Logger
	out     *outbox.Outbox
	m       *metrics
	threads *threadSet

	work sync.WaitGroup // answers still being worked on after an ack
}

var _ bot.Chat = (*Adapter)(nil)

// New builds an adapter. It does no I/O and starts nothing.
func New(o Options) (*Adapter, error) {
	if o.BotToken == "" {
		return nil, errors.New("new discord adapter: no bot token")
	}
	var key ed25519.PublicKey
	if o.PublicKey != "" {
		k, err := hex.DecodeString(o.PublicKey)
		if err != nil || len(k) != ed25519.PublicKeySize {
			return nil, errors.New("new discord adapter: public key is not 64 hex digits")
		}
		key = k
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if o.AckBudget <= 0 {
		o.AckBudget = 2 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Registerer == nil {
		o.Registerer = prometheus.NewRegistry()
	}
	m, err := newMetrics(o.Registerer)
	if err != nil {
		return nil, fmt.Errorf("new discord adapter: %w", err)
	}
	client, err := apiClient(o.HTTPClient, o.APIURL)
	if err != nil {
		return nil, fmt.Errorf("new discord adapter: %w", err)
	}
	s, err := discordgo.New("Bot " + o.BotToken)
	if err != nil {
		return nil, fmt.Errorf("new discord adapter: %w", err)
	}
	s.Client = client
	s.LogLevel = -1 // the adapter logs through slog; discordgo would use the standard logger
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	log := o.Logger.With("component", "discord")
	a := &Adapter{o: o, key: key, s: s, log: log, m: m, threads: newThreadSet(10000)}
	a.out = newOutbox(func() { m.retries.Inc() })
	return a, nil
}

// Wait blocks until answers still being worked on after their
// acknowledgement are sent; call it after the HTTP server has shut down.
func (a *Adapter) Wait() {
	a.work.Wait()
}
