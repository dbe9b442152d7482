package discord

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/wattson-dev/wattson/bot"
)

// FuzzParseInteraction feeds arbitrary bodies to the interaction parser
// and checks that it never panics and yields only well-formed events.
func FuzzParseInteraction(f *testing.F) {
	f.Add(commandJSON("1", "U1", []string{"R1"}, "approve", map[string]string{"proposal": "P-1@2"}))
	f.Add(commandJSON("2", "U1", nil, "investigate", map[string]string{"target": "checkout", "since": "24h"}))
	f.Add(clickJSON("3", "U1", nil, "wattson:approve:P-1@2", "900", "901"))
	f.Add(clickJSON("4", "U1", nil, "wattson::@", "", "901"))
	f.Add(`{"id":"5","type":1}`)
	f.Add(`{"id":"6","type":2,"channel_id":"1","user":{"id":"2"},"data":{"name":"wattson","options":[null]}}`)
	f.Add(`{"id":"7","type":3,"channel_id":"1","member":{"roles":[]},"data":{"custom_id":1}}`)
	f.Add(`{`)
	f.Add(clickJSON("8", "U1", nil, "wattson?approve:P-1@2", "900", "901"))
	f.Add(clickJSON("9", "U1", nil, "wattson?:", "900", "901"))
	f.Add(clickJSON("10", "U1", nil, "wattson:approve:P-1@2:900/901", "900", "950"))
	f.Add(modalSubmitJSON("11", "U1", nil, "wattson:reject:P-1@2:900/901", "900", "why"))
	f.Add(modalSubmitJSON("12", "U1", nil, "wattson:dismiss:R-1", "900", ""))
	f.Fuzz(func(t *testing.T, body string) {
		in, err := parseInteraction([]byte(body))
		if err != nil {
			return
		}
		if resp, ok := question(in); ok && (resp == nil || resp.Data == nil) {
			t.Fatalf("question without a response from %q", body)
		}
		ev, err := event(in)
		if err != nil {
			return
		}
		if ev.User == "" || ev.Channel == "" || ev.ID == "" || ev.Platform != Platform {
			t.Fatalf("event without user, channel or id: %+v from %q", ev, body)
		}
		switch ev.Kind {
		case bot.EventButton:
			if ev.RecordID == "" || ev.Version < 0 || ev.Thread == "" {
				t.Fatalf("bad button event %+v from %q", ev, body)
			}
		case bot.EventCommand:
			_, _ = bot.ParseCommand(ev.Text)
		default:
			t.Fatalf("event of kind %q", ev.Kind)
		}
	})
}

// FuzzMention feeds arbitrary MESSAGE_CREATE payloads to the mention parser.
func FuzzMention(f *testing.F) {
	f.Add(`{"id":"9","channel_id":"1","content":"<@42> why did checkout CPU go up?","author":{"id":"7"},"mentions":[{"id":"42"}]}`)
	f.Add(`{"id":"9","channel_id":"1","content":"hi","author":{"id":"7","bot":true},"mentions":[{"id":"42"}]}`)
	f.Add(`{"mentions":[null]}`)
	thread := &discordgo.Channel{ID: "1", Type: discordgo.ChannelTypeGuildPublicThread, ParentID: "100"}
	f.Fuzz(func(t *testing.T, body string) {
		ev, ok := mentionEvent([]byte(body), "42", func(string) *discordgo.Channel { return thread })
		if !ok {
			return
		}
		if ev.User == "" || ev.Kind != bot.EventMention || strings.HasPrefix(ev.Text, "<@42>") {
			t.Fatalf("bad mention %+v from %q", ev, body)
		}
	})
}

func TestCommandText(t *testing.T) {
	for _, tc := range []struct {
		sub  string
		opts map[string]string
		want string
	}{
		{"help", nil, "help"},
		{"investigate", map[string]string{"since": "24h", "target": "checkout", "metric": "cpu"}, "investigate checkout cpu 24h"},
		{"investigate", map[string]string{"target": "R-12"}, "investigate R-12"},
		{"approve", map[string]string{"proposal": " P-7@3 "}, "approve P-7@3"},
		{"dismiss", map[string]string{"reason": "flaky benchmark", "regression": "R-2"}, "dismiss R-2 flaky benchmark"},
		{"status", map[string]string{"id": ""}, "status"},
	} {
		in, err := parseInteraction([]byte(commandJSON("1", "U1", nil, tc.sub, tc.opts)))
		if err != nil {
			t.Fatal(err)
		}
		ev, err := event(in)
		if err != nil || ev.Text != tc.want || ev.Kind != bot.EventCommand {
			t.Errorf("%s %v: %q, %v; want %q", tc.sub, tc.opts, ev.Text, err, tc.want)
		}
	}
}

func TestEventFromThreadNamesTheChannel(t *testing.T) {
	in, err := parseInteraction([]byte(clickJSON("1", "U1", []string{"R1"}, "wattson:approve:P-1@2", "900", "901")))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := event(in)
	if err != nil {
		t.Fatal(err)
	}
	want := bot.Event{Kind: bot.EventButton, ID: "1", Platform: Platform, Channel: testChannel, Thread: "900/901",
		User: "U1", Groups: []string{"R1"}, Action: bot.ActionApprove, RecordID: "P-1", Version: 2}
	if ev.Kind != want.Kind || ev.Channel != want.Channel || ev.Thread != want.Thread || ev.User != want.User ||
		ev.Action != want.Action || ev.RecordID != want.RecordID || ev.Version != want.Version || len(ev.Groups) != 1 {
		t.Fatalf("event %+v, want %+v", ev, want)
	}
}
