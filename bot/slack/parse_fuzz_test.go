package slack

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/slack-go/slack/slackevents"
)

// FuzzParseInteraction feeds arbitrary bodies to the interaction parser and
// checks that it never panics and only yields well-formed button events.
func FuzzParseInteraction(f *testing.F) {
	f.Add(url.Values{"payload": {`{"type":"block_actions","user":{"id":"U1"},"channel":{"id":"C1"},"container":{"message_ts":"1.2"},"actions":[{"action_id":"wattson:approve:P-1@2","value":"P-1@2"}]}`}}.Encode())
	f.Add(`payload={"type":"block_actions","actions":[{"action_id":"wattson:","value":"@"}]}`)
	f.Add("payload=%7B")
	f.Fuzz(func(t *testing.T, body string) {
		cb, err := parseInteraction([]byte(body))
		if err != nil {
			return
		}
		for _, ev := range buttonEvents(cb) {
			if ev.RecordID == "" || ev.Version < 0 {
				t.Fatalf("bad event %+v from %q", ev, body)
			}
		}
	})
}

// FuzzEvents feeds arbitrary Events API bodies to the event parsers.
func FuzzEvents(f *testing.F) {
	f.Add(`{"type":"event_callback","event_id":"Ev1","event":{"type":"app_mention","user":"U1","text":"<@UBOT> why did checkout CPU go up?","ts":"1.2","channel":"C1"}}`)
	f.Add(`{"type":"url_verification","challenge":"x"}`)
	f.Add(`{"type":"event_callback","event":{"type":"app_mention","user":123}}`)
	f.Fuzz(func(t *testing.T, body string) {
		outer, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
		if err != nil {
			return
		}
		if ev, ok := mentionEvent(outer); ok && ev.User == "" {
			t.Fatalf("mention without a user from %q", body)
		}
	})
}

// FuzzCommandForm feeds arbitrary slash-command bodies to the form parser.
func FuzzCommandForm(f *testing.F) {
	f.Add(docBody)
	f.Add("text=approve+P-1&user_id=U1&channel_id=C1")
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		ev, _ := commandEvent(form)
		_ = isDecision(ev)
	})
}
