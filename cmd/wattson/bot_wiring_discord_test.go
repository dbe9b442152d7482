package main

import (
	"crypto/ed25519"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wattson-dev/wattson/store/bolt"
)

// TestDiscordWiring checks that enabling discord mounts a verified
// /discord/interactions on the server's mux.
func TestDiscordWiring(t *testing.T) {
	priv := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	var cfg config
	cfg.Chat.Platforms = []string{"discord"}
	cfg.Discord.BotToken = "test-token"
	cfg.Discord.PublicKey = hex.EncodeToString(priv.Public().(ed25519.PublicKey))
	cfg.Discord.ApplicationID = "777"
	st, err := bolt.Open(filepath.Join(t.TempDir(), "w.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	mux := http.NewServeMux()
	c, err := newChatBot(cfg, st, botDeps{}, slog.New(slog.DiscardHandler), prometheus.NewRegistry(), mux)
	if err != nil || c.discord == nil {
		t.Fatalf("newChatBot: %v (discord %v)", err, c)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	body := `{"id":"1","type":1,"application_id":"777","token":"t","version":1}`
	for name, key := range map[string]ed25519.PrivateKey{"signed": priv, "forged": ed25519.NewKeyFromSeed([]byte(strings.Repeat("x", 32)))} {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/discord/interactions", strings.NewReader(body))
		req.Header.Set("X-Signature-Timestamp", ts)
		req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(key, []byte(ts+body))))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want := http.StatusOK
		if name == "forged" {
			want = http.StatusUnauthorized
		}
		if resp.StatusCode != want || (want == http.StatusOK && strings.TrimSpace(string(got)) != `{"type":1}`) {
			t.Errorf("%s ping: %d %s", name, resp.StatusCode, got)
		}
	}
}
