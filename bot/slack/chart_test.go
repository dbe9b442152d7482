package slack

import (
	"strings"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/bot"
)

func chartSamples() []bot.Point {
	var samples []bot.Point
	for i := range 20 {
		samples = append(samples, bot.Point{T: time.Date(2025, 6, 3, i, 0, 0, 0, time.UTC), V: 1 + 0.25*float64(i/10)})
	}
	return samples
}

// A chart that cannot be uploaded does not hold the alert back: the alert
// goes without its image block and its thread says why and what to fix.
func TestAlertChartUploadFailsToldInThread(t *testing.T) {
	for _, tc := range []struct{ slackErr, want string }{
		{"not_in_channel", "Slack said not_in_channel"},
		{"missing_scope", "Slack said missing_scope"},
	} {
		t.Run(tc.slackErr, func(t *testing.T) {
			e := newEnv(t, 0)
			e.rec.mu.Lock()
			e.rec.uploadErr = tc.slackErr
			e.rec.mu.Unlock()
			r, posted, err := e.bot.Alert(t.Context(), bot.AlertInput{Regression: testRegression(), Samples: chartSamples()})
			if err != nil || !posted {
				t.Fatalf("alert: posted %v, %v", posted, err)
			}
			posts := e.rec.callsOf("chat.postMessage")
			if len(posts) != 2 {
				t.Fatalf("%d posts, want the alert and a note in its thread", len(posts))
			}
			if b := posts[0].form.Get("blocks"); strings.Contains(b, `"type":"image"`) {
				t.Errorf("alert shows an image that was never uploaded: %s", b)
			}
			note := posts[1]
			if note.form.Get("thread_ts") != r.Thread.MessageID {
				t.Errorf("note in thread %q, want the alert's %q", note.form.Get("thread_ts"), r.Thread.MessageID)
			}
			text := note.form.Get("text") + note.form.Get("blocks")
			for _, want := range []string{"couldn't attach the chart", tc.want, "files:write", "/invite"} {
				if !strings.Contains(text, want) {
					t.Errorf("note %q lacks %q", text, want)
				}
			}
			if r.Thread.Image != "" {
				t.Errorf("stored thread %+v names an image that is not there", r.Thread)
			}
		})
	}
}

// A redraw of the alert (here, on /wattson dismiss) keeps the chart it was posted
// with, without uploading it again.
func TestAlertRedrawKeepsChart(t *testing.T) {
	e := newEnv(t, 0)
	r, _, err := e.bot.Alert(t.Context(), bot.AlertInput{Regression: testRegression(), Samples: chartSamples()})
	if err != nil {
		t.Fatal(err)
	}
	if code, body := do(t, signed(t, e.url+"/slack/commands", commandBody(e, "UALICE", "dismiss "+r.ID+" a noisy neighbour"), testSecret, time.Now())); code != 200 {
		t.Fatalf("dismiss: %d %s", code, body)
	}
	eventually(t, "the alert redrawn", func() bool {
		for _, u := range e.rec.callsOf("chat.update") {
			if u.form.Get("ts") == r.Thread.MessageID {
				return true
			}
		}
		return false
	})
	for _, u := range e.rec.callsOf("chat.update") {
		if u.form.Get("ts") == r.Thread.MessageID && !strings.Contains(u.form.Get("blocks"), `"slack_file":{"id":"F1"}`) {
			t.Errorf("redrawn alert lost its chart: %s", u.form.Get("blocks"))
		}
	}
	if n := len(e.rec.callsOf("files.getUploadURLExternal")); n != 1 {
		t.Errorf("%d uploads, want the one of the first post", n)
	}
}
