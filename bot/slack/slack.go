// Package slack is Wattson's Slack adapter, built on slack-go. It posts and
// edits the bot's messages through the Web API and receives slash
// commands, button clicks and mentions either over HTTP (the endpoints
// /slack/commands, /slack/interactions and /slack/events, every request
// verified against the signing secret before anything else) or over Socket
// Mode, which needs no public URL.
//
// A verified request is remembered by the MAC its signature decodes to, so
// a replay gets 401 however its hex is spelt. Slack's own retries are
// signed afresh and pass; each event carries an ID derived from what Slack
// keeps across retries (the Events API's event_id, a command's or click's
// trigger_id), by which the bot handles it once. The user groups that
// approver rules may name are at most a minute old when they decide; when
// Slack cannot list them the event says so, and rules naming groups refuse.
//
// Slack wants an answer within three seconds. The adapter verifies the
// request, then gives the bot up to AckBudget to answer inline; anything
// slower is acknowledged at once and answered later through the request's
// response_url or in the thread. Outbound messages go through a queue per
// channel that keeps their order, stays under about one message a second a
// channel, and waits out 429 answers instead of dropping anything.
package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/slack-go/slack"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/outbox"
	"github.com/wattson-dev/wattson/store"
)

// Platform is the name Slack goes by in events and thread refs.
const Platform = "slack"

// Handler receives inbound events; *bot.Bot is one.
type Handler interface {
	Handle(ctx context.Context, ev bot.Event) bot.Message
}

// Options configure an Adapter.
type Options struct {
	// BotToken is the xoxb- token the Web API is called with.
	BotToken string
	// SigningSecret verifies requests to the HTTP endpoints.
	SigningSecret string
	// AppToken is the xapp- token for Socket Mode.
	AppToken string
	// APIURL is the Web API base URL (a missing final "/", which
	// slack-go needs, is added); empty means Slack's.
	APIURL string
	// HTTPClient calls the Web API and response URLs; nil means a client
	// with a 30 s timeout.
	HTTPClient *http.Client
	// Seen de-duplicates signatures (replays); nil turns replay protection
	// off. store.Store is one.
	Seen Remembers
	// MinInterval is the least time between two messages to one channel;
	// 0 means one second, Slack's guidance.
	MinInterval time.Duration
	// AckBudget is how long a command may take to be answered inline
	// before it is acknowledged and answered later; 0 means 2 s.
	AckBudget time.Duration
	// Now is the clock for signature timestamps and for the age of the
	// user groups approvals are decided on; nil means time.Now.
	Now func() time.Time
	// Logger receives the adapter's logs; nil discards them.
	Logger *slog.Logger
	// Registerer receives the adapter's metrics; nil registers nowhere.
	Registerer prometheus.Registerer
}

// Adapter is the Slack chat platform. It implements bot.Chat.
type Adapter struct {
	o      Options
	api    *slack.Client
	http   *http.Client
	log    *slog.Logger
	out    *outbox.Outbox
	m      *metrics
	groups *groupCache

	work sync.WaitGroup // answers still being worked on after an ack
}

var _ bot.Chat = (*Adapter)(nil)

// New builds an adapter. It does no I/O and starts nothing.
func New(o Options) (*Adapter, error) {
	if o.BotToken == "" {
		return nil, errors.New("new slack adapter: no bot token")
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if o.MinInterval <= 0 {
		o.MinInterval = time.Second
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
		return nil, fmt.Errorf("new slack adapter: %w", err)
	}
	opts := []slack.Option{slack.OptionHTTPClient(o.HTTPClient)}
	if o.APIURL != "" {
		if !strings.HasSuffix(o.APIURL, "/") {
			o.APIURL += "/"
		}
		opts = append(opts, slack.OptionAPIURL(o.APIURL))
	}
	if o.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(o.AppToken))
	}
	api := slack.New(o.BotToken, opts...)
	a := &Adapter{o: o, api: api, http: o.HTTPClient, log: o.Logger.With("component", "slack"), m: m}
	a.out = newOutbox(o.MinInterval, func() { m.retries.Inc() })
	a.groups = newGroupCache(listUserGroups(api), o.Now, groupsTTL, groupsRetry)
	return a, nil
}

// Post sends m to channel (in the thread of the message thread when set)
// and returns the ref of the message. A text too long for one message
// continues in its thread; an image is uploaded into the thread.
func (a *Adapter) Post(ctx context.Context, channel, thread string, m bot.Message) (store.ThreadRef, error) {
	msgs := Render(m)
	ref := store.ThreadRef{Platform: Platform, Channel: channel}
	for i, r := range msgs {
		opts := []slack.MsgOption{slack.MsgOptionText(r.Text, false), slack.MsgOptionBlocks(r.Blocks...)}
		if thread != "" {
			opts = append(opts, slack.MsgOptionTS(thread))
		}
		err := a.out.Do(ctx, channel, func(ctx context.Context) error {
			ch, ts, err := a.api.PostMessageContext(ctx, channel, opts...)
			if err == nil && i == 0 {
				ref.Channel, ref.MessageID = ch, ts
			}
			return err
		})
		if err != nil {
			return ref, fmt.Errorf("post slack message: %w", err)
		}
		if i == 0 && thread == "" {
			thread = ref.MessageID
		}
	}
	a.m.posted.Inc()
	if m.Image != nil {
		if err := a.upload(ctx, ref.Channel, thread, *m.Image); err != nil {
			a.log.WarnContext(ctx, "image not uploaded", "channel", ref.Channel, "err", err)
		}
	}
	return ref, nil
}

// Update replaces the message at ref. Parts of a long text beyond the
// first message are not edited.
func (a *Adapter) Update(ctx context.Context, ref store.ThreadRef, m bot.Message) error {
	r := Render(m)[0]
	err := a.out.Do(ctx, ref.Channel, func(ctx context.Context) error {
		_, _, _, err := a.api.UpdateMessageContext(ctx, ref.Channel, ref.MessageID,
			slack.MsgOptionText(r.Text, false), slack.MsgOptionBlocks(r.Blocks...))
		return err
	})
	if err != nil {
		return fmt.Errorf("update slack message: %w", err)
	}
	return nil
}

// upload attaches an image to a thread.
func (a *Adapter) upload(ctx context.Context, channel, thread string, img bot.Image) error {
	return a.out.Do(ctx, channel, func(ctx context.Context) error {
		_, err := a.api.UploadFileContext(ctx, slack.UploadFileParameters{
			Reader: bytes.NewReader(img.PNG), FileSize: len(img.PNG), Filename: img.Name, Title: img.Alt,
			AltTxt: img.Alt, Channel: channel, ThreadTimestamp: thread,
		})
		return err
	})
}

// Wait blocks until answers still being worked on after their
// acknowledgement are sent; call it after the HTTP server has shut down.
func (a *Adapter) Wait() {
	a.work.Wait()
}
