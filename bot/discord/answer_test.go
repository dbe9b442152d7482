package discord

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/wattson-dev/wattson/bot"
)

// slowHandler answers after a delay, past the ack budget.
type slowHandler struct {
	next  Handler
	delay time.Duration
}

func (s slowHandler) Handle(ctx context.Context, ev bot.Event) bot.Message {
	time.Sleep(s.delay)
	return s.next.Handle(ctx, ev)
}

func TestSlowAnswersAreDeferredAndFollowedUp(t *testing.T) {
	e := newEnv(t, 0, func(h Handler) Handler { return slowHandler{h, 1500 * time.Millisecond} })
	r, _, err := e.bot.Alert(t.Context(), bot.AlertInput{Regression: testRegression()})
	if err != nil {
		t.Fatal(err)
	}

	// A private answer replaces the "thinking…" message.
	code, body := do(t, signed(t, e.url+"/discord/interactions", commandJSON("20", "ALICE", nil, "status", map[string]string{"id": r.ID}), e.priv, time.Now()))
	data, _ := body["data"].(map[string]any)
	if code != 200 || body["type"] != 5.0 || data["flags"] != 64.0 {
		t.Fatalf("slow status: %d %v, want a private deferral", code, body)
	}
	eventually(t, "the status in place of the deferral", func() bool {
		edits := e.fake.callsTo("PATCH", "/api/v9/webhooks/"+testApp+"/tok-20/messages/@original")
		return len(edits) == 1 && strings.Contains(mustJSON(edits[0].body), r.ID)
	})

	// A public answer gets a message of its own in the channel.
	code, body = do(t, signed(t, e.url+"/discord/interactions", commandJSON("21", "ALICE", nil, "dismiss", map[string]string{"regression": r.ID, "reason": "noise"}), e.priv, time.Now()))
	if code != 200 || body["type"] != 5.0 {
		t.Fatalf("slow dismiss: %d %v", code, body)
	}
	eventually(t, "the dismissal announced", func() bool {
		return len(e.fake.callsTo("DELETE", "/api/v9/webhooks/"+testApp+"/tok-21/messages/@original")) == 1 &&
			lastMessageWith(e, testChannel, "dismissed "+r.ID+": noise") != ""
	})
	assertLastAudit(t, e, r.ID, "dismiss", "ALICE", true)
}

func TestGatewayInteractionIsAnsweredOverREST(t *testing.T) {
	e := newEnv(t, 0, nil)
	e.adapter.dispatch(t.Context(), e.bot, "INTERACTION_CREATE", json.RawMessage(commandJSON("30", "ALICE", nil, "help", nil)), "")
	e.adapter.Wait()
	calls := e.fake.callsTo("POST", "/api/v9/interactions/30/tok-30/callback")
	if len(calls) != 1 || calls[0].body["type"] != 4.0 || !strings.Contains(mustJSON(calls[0].body), "/wattson investigate") {
		t.Fatalf("gateway help answered with %+v", calls)
	}

	mention := `{"id":"31","channel_id":"100","content":"<@42> status","author":{"id":"ALICE"},"mentions":[{"id":"42"}]}`
	e.adapter.dispatch(t.Context(), e.bot, "MESSAGE_CREATE", json.RawMessage(mention), "42")
	e.adapter.Wait()
	if n := len(e.fake.callsTo("POST", "/api/v9/channels/100/messages/31/threads")); n != 1 {
		t.Errorf("mention answered without a thread from it (%d thread starts)", n)
	}
	if len(e.fake.callsTo("POST", "/api/v9/channels/31/messages")) != 1 {
		t.Errorf("mention not answered in its thread")
	}
}

func TestAPIURLIsPerAdapter(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization"))
		writeJSON(w, map[string]any{"id": "1"})
	}))
	t.Cleanup(srv.Close)
	a, err := New(Options{BotToken: "tok", APIURL: srv.URL + "/proxy/"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Post(t.Context(), "55", "55/", bot.Message{Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != "POST /proxy/api/v9/channels/55/messages Bot tok" {
		t.Fatalf("requests %v", got)
	}
	if discordgo.EndpointDiscord != "https://discord.com/" {
		t.Fatalf("discordgo's package endpoints were changed: %s", discordgo.EndpointDiscord)
	}
	for _, bad := range []string{"ftp://x", "not a url", "http://"} {
		if _, err := New(Options{BotToken: "tok", APIURL: bad}); err == nil {
			t.Errorf("New accepted api url %q", bad)
		}
	}
	if _, err := New(Options{BotToken: "tok", PublicKey: "abcd"}); err == nil {
		t.Error("New accepted a short public key")
	}
}
