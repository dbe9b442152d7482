package test

// Helpers of the chat journeys of issue 22 (tag ux): the fake Slack's
// views.open, and modal submissions as Slack sends them.

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"time"
)

// uxRecordViews has the fake Slack answer views.open (a JSON body) and
// record it as a call whose form holds trigger_id and view.
func uxRecordViews(f *fakeSlack) {
	f.srv.Handle("/views.open", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req struct {
			TriggerID string          `json:"trigger_id"`
			View      json.RawMessage `json:"view"`
		}
		_ = json.Unmarshal(body, &req)
		f.mu.Lock()
		f.calls = append(f.calls, slackCall{method: "views.open", form: url.Values{"trigger_id": {req.TriggerID}, "view": {string(req.View)}}})
		f.mu.Unlock()
		writeJSON(w, map[string]any{"ok": true, "view": map[string]any{"id": "V123"}})
	})
}

// uxViewSubmission is the form of user submitting a modal with one text
// input answered.
func uxViewSubmission(user, viewID, callbackID, meta, blockID, actionID, answer string) url.Values {
	payload, _ := json.Marshal(map[string]any{
		"type": "view_submission", "team": map[string]any{"id": "T1"}, "user": map[string]any{"id": user},
		"trigger_id": trigger(),
		"view": map[string]any{"id": viewID, "type": "modal", "callback_id": callbackID, "private_metadata": meta,
			"state": map[string]any{"values": map[string]any{blockID: map[string]any{actionID: map[string]any{"type": "plain_text_input", "value": answer}}}}},
	})
	return url.Values{"payload": {string(payload)}}
}

// uxReasonSubmission is the form of user submitting the reason modal
// Wattson opened for a click of action on the button of value (on the
// message at messageTS in #checkout-perf): Slack hands back the modal's
// private_metadata as Wattson wrote it.
func uxReasonSubmission(user, action, value, messageTS, reason string) url.Values {
	meta, _ := json.Marshal(map[string]string{"a": action, "v": value, "c": "CCHECKOUT-PERF", "t": messageTS, "m": messageTS})
	return uxViewSubmission(user, "V-"+trigger(), "wattson:reason", string(meta), "reason", "reason", reason)
}

// uxReject has user click Reject on a proposal's card at replica s,
// waits for the modal that asks why, and submits reason.
func (l *loop) uxReject(s *server, user string, card slackCall, reason string) {
	l.t.Helper()
	uxRecordViews(l.slack)
	opened := len(l.slack.callsOf("views.open"))
	l.decide(s, user, "reject", card)
	eventually(l.t, 20*time.Second, "the reason modal", func() bool { return len(l.slack.callsOf("views.open")) > opened })
	var view struct {
		PrivateMetadata string `json:"private_metadata"`
	}
	_ = json.Unmarshal([]byte(l.slack.callsOf("views.open")[opened].form.Get("view")), &view)
	form := uxViewSubmission(user, "V-"+trigger(), "wattson:reason", view.PrivateMetadata, "reason", "reason", reason)
	l.interact(s, form)
}
