package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/bottest"
	"github.com/wattson-dev/wattson/store"
)

// askedInvestigations records the questions investigations start with.
type askedInvestigations struct {
	mu sync.Mutex
	qs []bot.Question
}

func (a *askedInvestigations) Start(_ context.Context, _ bot.Event, q bot.Question) (bot.Message, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.qs = append(a.qs, q)
	return bot.Message{Text: "Investigating " + q.RegressionID + " (I-9) — progress and findings are in the thread.", Private: true}, nil
}

// TestMentionsUnderstand: a question names a metric family and a time;
// it is answered about the matching regression whatever its status, with
// one acknowledgement, and never investigates a metric named "cpu".
func TestMentionsUnderstand(t *testing.T) {
	f := bottest.New(t, bottest.Options{})
	ctx := t.Context()
	r, _, err := f.Bot.Alert(ctx, bot.AlertInput{Regression: bottest.Regression()})
	if err != nil {
		t.Fatal(err)
	}
	// R-1 is being mitigated: a revert was approved.
	if _, err := store.ChangeRegression(ctx, f.Store, r.ID, func(r *store.Regression) error {
		r.Status = store.RegressionInvestigating
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.ChangeRegression(ctx, f.Store, r.ID, func(r *store.Regression) error {
		r.Status = store.RegressionProposed
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.ChangeRegression(ctx, f.Store, r.ID, func(r *store.Regression) error {
		r.Status = store.RegressionMitigating
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	inv := &askedInvestigations{}
	core, err := bot.NewCore(bot.CoreOptions{Store: f.Store, Chats: map[string]bot.Chat{bottest.Platform: f.Chat}, DefaultPlatform: bottest.Platform,
		DefaultChannel: "#perf", Now: f.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(core, bot.Options{Investigations: inv, Services: []string{"checkout", "search"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text                 string
		wantID, wantMetric   string
		wantText, wantNoText string
	}{
		{"why did checkout CPU go up?", "R-1", "cpu_per_request", "That looks like R-1: checkout went 10 → 12.5 ms of CPU per request", "Looking into"},
		{"what happened to checkout cpu since 2025-06-01", "R-1", "cpu_per_request", "(mitigating now)", ""},
		{"why is checkout slower yesterday?", "", "", "Investigating", "That looks like"}, // R-1 is CPU, and no latency metric is known
		{"why did search memory go up?", "", "", "Investigating", "That looks like"},
	} {
		t.Run(tc.text, func(t *testing.T) {
			reply := b.Handle(ctx, bot.Event{Kind: bot.EventMention, Platform: "test", Channel: "C1", User: "U1", Text: tc.text})
			inv.mu.Lock()
			q := inv.qs[len(inv.qs)-1]
			inv.mu.Unlock()
			if q.RegressionID != tc.wantID || q.Metric != tc.wantMetric {
				t.Errorf("investigated %q of %q, want %q of %q", q.RegressionID, q.Metric, tc.wantID, tc.wantMetric)
			}
			if reply.Private || !strings.Contains(reply.Text, tc.wantText) || (tc.wantNoText != "" && strings.Contains(reply.Text, tc.wantNoText)) {
				t.Errorf("reply %+v, want public with %q (and not %q)", reply, tc.wantText, tc.wantNoText)
			}
			if strings.Count(reply.Text, "Investigating") > 1 {
				t.Errorf("the acknowledgement repeats itself: %q", reply.Text)
			}
		})
	}
}
