package test

import (
	"encoding/json"
	"testing"
)

// TestUxAlertCarriesChart: Wattson alerts the step in checkout's CPU. The
// chart is uploaded first, shared nowhere, and the alert message itself
// shows it in an image block: a PNG with the series, the change point and
// the deploys from checkout's deploy log marked. Nothing about the chart
// is posted into the thread.
func TestUxAlertCarriesChart(t *testing.T) {
	t.Parallel()
	l := startLoop(t, loopOptions{replicas: 1})
	alert := l.alert("R-1")

	var blocks []struct {
		Type      string `json:"type"`
		AltText   string `json:"alt_text"`
		SlackFile struct {
			ID string `json:"id"`
		} `json:"slack_file"`
	}
	if err := json.Unmarshal([]byte(alert.form.Get("blocks")), &blocks); err != nil {
		t.Fatalf("alert blocks: %v", err)
	}
	var shown string
	for _, b := range blocks {
		if b.Type == "image" {
			shown = b.SlackFile.ID
			if b.AltText == "" {
				t.Errorf("the chart's image block has no alt text")
			}
		}
	}
	if shown != "F1" {
		t.Fatalf("the alert shows file %q in an image block, want the uploaded chart F1: %s", shown, alert.form.Get("blocks"))
	}
	done := l.slack.callsOf("files.completeUploadExternal")
	uploads := l.slack.callsOf("upload")
	if len(done) != 1 || len(uploads) != 1 {
		t.Fatalf("%d uploads completed of %d, want the one chart", len(done), len(uploads))
	}
	if ch := done[0].form.Get("channel_id"); ch != "" {
		t.Errorf("the chart was shared into %q too; the alert shows it", ch)
	}
	if name := uploads[0].form.Get("filename"); name != "R-1.png" {
		t.Errorf("uploaded %q, want R-1.png", name)
	}
	uxCheckChart(t, []byte(uploads[0].form.Get("content")))
	l.autoProposal() // the investigation the alert started runs out
	l.settle()
	if notes := l.posts(`couldn't attach the chart`); len(notes) != 0 {
		t.Errorf("the thread was told the chart failed: %v", notes)
	}
	l.noInternalErrors()
}
