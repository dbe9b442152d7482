package test

import (
	"testing"
)

// TestUxDiscordAlertCarriesChart: on Discord the alert is one message
// whose embed shows the chart attached to it (attachment://R-1.png), a
// PNG with the series, the change point and the deploys marked.
func TestUxDiscordAlertCarriesChart(t *testing.T) {
	t.Parallel()
	l := startLoop(t, loopOptions{replicas: 1, discord: true})
	alerts := l.discord.alerts()
	if len(alerts) != 1 {
		t.Fatalf("%d alerts, want 1", len(alerts))
	}
	a := alerts[0]
	embeds, _ := a.body["embeds"].([]any)
	if len(embeds) == 0 {
		t.Fatalf("the alert has no embed: %v", a.body)
	}
	img, _ := embeds[0].(map[string]any)["image"].(map[string]any)
	if img["url"] != "attachment://R-1.png" {
		t.Errorf("the alert's embed image is %v, want attachment://R-1.png", img)
	}
	png, ok := a.files["R-1.png"]
	if !ok {
		t.Fatalf("the alert attaches %d files, none R-1.png", len(a.files))
	}
	uxCheckChart(t, png)
	l.discordAutoProposal() // the investigation the alert started runs out
	l.settle()
	l.noInternalErrors()
}
