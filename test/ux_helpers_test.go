package test

// Helpers of the chat journeys of issue 22 (tag ux): the fake Slack's
// views.open, modal submissions as Slack sends them, and the charts
// uploaded.

import (
	"bytes"
	"encoding/json"
	"image/color"
	"image/png"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// uxUploadForm reads a file upload to the URL files.getUploadURLExternal
// handed out (multipart, the file in the part "file") as a form of its
// filename and content.
func uxUploadForm(r *http.Request) url.Values {
	form := url.Values{}
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return form
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	for p, err := mr.NextPart(); err == nil; p, err = mr.NextPart() {
		if p.FileName() != "" {
			b, _ := io.ReadAll(p)
			form.Set("filename", p.FileName())
			form.Set("content", string(b))
		}
	}
	return form
}

// uxCheckChart decodes an alert chart as it came over the wire and checks
// it is a picture of a plot: big enough to read, with the series (blue),
// the change point (red) and at least one deploy mark (green) drawn, and
// text (the axes' labels) around it.
func uxCheckChart(t *testing.T, b []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the chart is not a PNG (%d bytes): %v", len(b), err)
	}
	size := img.Bounds().Size()
	if size.X < 600 || size.Y < 240 {
		t.Errorf("the chart is %v, want at least 600x240", size)
	}
	counts := map[color.RGBA]int{}
	for y := 0; y < size.Y; y++ {
		for x := 0; x < size.X; x++ {
			counts[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)]++
		}
	}
	for _, c := range []struct {
		what  string
		col   color.RGBA
		least int
	}{
		{"the series", color.RGBA{31, 119, 180, 255}, 300},
		{"the change point", color.RGBA{214, 39, 40, 255}, 100},
		{"a deploy mark", color.RGBA{44, 160, 44, 255}, 50},
		{"the labels", color.RGBA{40, 40, 40, 255}, 300},
	} {
		if n := counts[c.col]; n < c.least {
			t.Errorf("the chart shows %s in %d pixels, want at least %d", c.what, n, c.least)
		}
	}
}

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

// uxDiscordConfirm has user click the button whose custom_id starts with
// prefix on card, at replica s, and wants the private question Discord
// is answered with; it returns the custom_id of its Confirm button (the
// click the bot acts on).
func (l *loop) uxDiscordConfirm(s *server, user string, card discordCall, prefix string) string {
	l.t.Helper()
	ask, ok := customID(card, prefix)
	if !ok {
		l.t.Fatalf("the card has no button %s: %v", prefix, card.body["components"])
	}
	code, body := l.discord.signedInteraction(discordClick(user, ask, card), time.Now()).send(l.t, s)
	var resp struct {
		Type int `json:"type"`
		Data struct {
			Flags      int `json:"flags"`
			Components []struct {
				Components []struct {
					Label    string `json:"label"`
					CustomID string `json:"custom_id"`
				} `json:"components"`
			} `json:"components"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &resp); code != http.StatusOK || err != nil || resp.Type != 4 || resp.Data.Flags&64 == 0 ||
		len(resp.Data.Components) == 0 || len(resp.Data.Components[0].Components) != 2 {
		l.t.Fatalf("click on %s: %d %s, want a private question with Confirm and Cancel", ask, code, body)
	}
	return resp.Data.Components[0].Components[0].CustomID
}
