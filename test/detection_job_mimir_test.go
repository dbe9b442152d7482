package test

import (
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestPromJobThroughMimirWithAuth: a team's metrics live in a
// multi-tenant Mimir behind TLS with a private CA and a bearer token.
// Configured as Prometheus's own configs would be (detection.client:
// tls_config.ca_file, authorization.credentials_file, http_headers with
// X-Scope-OrgID), `wattson serve` reaches it and alerts the planted step;
// every request carried the token and the tenant, and the token never
// appears in the log. One store-gateway is down, so every answer is a
// partial response: the alert says so.
func TestPromJobThroughMimirWithAuth(t *testing.T) {
	now := time.Now().Truncate(time.Minute)
	fleet := newPromFleet(t, 5, []int{3}, now.Add(-6*time.Hour), 1_000_000)
	const partial = "partial response: store-gateway zone-b unavailable"
	fleet.warnings = []string{partial}
	const token = "mimir-s3cret-token"
	var (
		mu  sync.Mutex
		bad []string
	)
	mimir := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token || r.Header.Get("X-Scope-OrgID") != "team-checkout" {
			mu.Lock()
			bad = append(bad, r.URL.Path+" "+r.Header.Get("Authorization")+" "+r.Header.Get("X-Scope-OrgID"))
			mu.Unlock()
			http.Error(w, "no org id", http.StatusUnauthorized)
			return
		}
		http.StripPrefix("/prometheus", http.HandlerFunc(fleet.serve)).ServeHTTP(w, r)
	}))
	t.Cleanup(mimir.Close)
	dir := t.TempDir()
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: mimir.Certificate().Raw})
	if err := os.WriteFile(filepath.Join(dir, "ca.pem"), ca, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "token"), []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	slack := newFakeSlack(t)
	cfg := `chat:
  platforms: [slack]
slack:
  api_url: ` + slack.srv.GetAPIURL() + `
  min_interval: 10ms
detection:
  prometheus: ` + mimir.URL + `/prometheus
  client:
    tls_config: {ca_file: ca.pem}
    authorization: {type: Bearer, credentials_file: token}
    http_headers:
      X-Scope-OrgID: {values: [team-checkout]}
  jobs:
  - name: fleet-cpu
    query: ` + promFleetMetric + `{service="checkout"}
    schedule: "@every 1s"
    step: 60s
    lookback: 24h
    service: checkout
    investigate: manual
routes:
- match: {service: checkout}
  channel: "#checkout-perf"
`
	path := filepath.Join(dir, "wattson.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, []string{"SLACK_BOT_TOKEN=xoxb-e2e", "SLACK_SIGNING_SECRET=" + signingSecret,
		"WATTSON_DATA_DIR=" + t.TempDir()}, "--config", path)
	eventually(t, 30*time.Second, "the planted step alerted", func() bool {
		return len(topLevelAlerts(slack, "#checkout-perf")) >= 1 || strings.Contains(s.stderr.String(), "level=ERROR")
	})
	s.stop(t)
	alerts := topLevelAlerts(slack, "#checkout-perf")
	if len(alerts) != 1 || !strings.Contains(callText(alerts[0]), promFleetInstance(3)) {
		t.Fatalf("%d alerts, want one for %s", len(alerts), promFleetInstance(3))
	}
	if text := callText(alerts[0]); !strings.Contains(text, "Partial data") || !strings.Contains(text, partial) {
		t.Errorf("the alert does not say its data was partial:\n%s", text)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bad) > 0 {
		t.Errorf("requests without the token or tenant: %q", bad)
	}
	if len(fleet.calls()) == 0 {
		t.Error("no query reached the server")
	}
	if log := s.stderr.String(); strings.Contains(log, token) || strings.Contains(log, "level=ERROR") {
		t.Errorf("token or errors in the log:\n%s", quiet(log))
	}
}
