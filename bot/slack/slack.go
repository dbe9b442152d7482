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
// continues in its thread. An image is uploaded first (files.getUploadURLExternal,
// the upload, files.completeUploadExternal) and shown in the message's
// image block; when the upload fails, or Slack will not show the file,
// the message goes without it and its thread is told why.
func (a *Adapter) Post(ctx context.Context, channel, thread string, m bot.Message) (store.ThreadRef, error) {
	var imgErr error
	if img := m.Image; img != nil && img.Ref == "" {
		shown := *img
		shown.Ref, imgErr = a.upload(ctx, channel, shown)
		if imgErr != nil {
			m.Image = nil
		} else {
			m.Image = &shown
		}
	}
	ref, err := a.post(ctx, channel, thread, m)
	if err != nil && m.Image != nil && isSlackError(err, "invalid_blocks") {
		// Slack would not show the file (not yet processed, or not ours).
		imgErr, m.Image = err, nil
		ref, err = a.post(ctx, channel, thread, m)
	}
	if err != nil {
		return ref, err
	}
	if m.Image != nil {
		ref.Image = m.Image.Ref
	}
	if imgErr != nil {
		a.log.WarnContext(ctx, "image not shown", "channel", ref.Channel, "err", imgErr)
		note := bot.Message{Text: fmt.Sprintf("I couldn't attach the chart to this message: %s. %s", slackReason(imgErr), uploadHint)}
		if thread == "" {
			thread = ref.MessageID
		}
		if _, err := a.post(ctx, ref.Channel, thread, note); err != nil {
			a.log.WarnContext(ctx, "image failure not told", "channel", ref.Channel, "err", err)
		}
	}
	return ref, nil
}

// uploadHint says what makes uploads work.
const uploadHint = "Charts need the app's files:write scope and the bot in the channel (/invite @Wattson); see the README's Slack setup."

// post sends the rendered parts of m.
func (a *Adapter) post(ctx context.Context, channel, thread string, m bot.Message) (store.ThreadRef, error) {
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
	return ref, nil
}

// Update replaces the message at ref. Parts of a long text beyond the
// first message are not edited; an image shown before (ref.Image) stays.
func (a *Adapter) Update(ctx context.Context, ref store.ThreadRef, m bot.Message) error {
	if m.Image != nil && m.Image.Ref == "" {
		if ref.Image == "" {
			m.Image = nil // a new picture is not uploaded on an edit
		} else {
			img := *m.Image
			img.Ref = ref.Image
			m.Image = &img
		}
	}
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

// upload uploads an image without sharing it anywhere and returns its file
// id, for an image block.
func (a *Adapter) upload(ctx context.Context, channel string, img bot.Image) (string, error) {
	var id string
	err := a.out.Do(ctx, channel, func(ctx context.Context) error {
		f, err := a.api.UploadFileContext(ctx, slack.UploadFileParameters{
			Reader: bytes.NewReader(img.PNG), FileSize: len(img.PNG), Filename: img.Name, Title: img.Name, AltTxt: img.Alt,
		})
		if err == nil {
			id = f.ID
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("upload %s: %w", img.Name, err)
	}
	return id, nil
}

// isSlackError reports whether err is Slack's error code.
func isSlackError(err error, code string) bool {
	var se slack.SlackErrorResponse
	return errors.As(err, &se) && se.Err == code || strings.Contains(err.Error(), code)
}

// slackReason is what Slack said, for a chat user.
func slackReason(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return "Slack said " + se.Err
	}
	return "the upload failed"
}

// Wait blocks until answers still being worked on after their
// acknowledgement are sent; call it after the HTTP server has shut down.
func (a *Adapter) Wait() {
	a.work.Wait()
}
