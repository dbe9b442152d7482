package main

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadConfigDefaults(t *testing.T) {
	cfg, err := loadConfig("", envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Store.Backend != "embedded" || cfg.Chat.Platforms[0] != "console" || cfg.llmEnabled() {
		t.Errorf("defaults = %+v, want embedded store, console chat, playbook mode", cfg)
	}
}

func TestLoadConfigEnvOverrides(t *testing.T) {
	p := writeFile(t, "c.yaml", "data_dir: /from/file\nllm:\n  model: small\n")
	cfg, err := loadConfig(p, envMap(map[string]string{
		"WATTSON_DATA_DIR":  "/from/env",
		"WATTSON_REDIS_URL": "redis://:pw@127.0.0.1:6379/0",
		"OPENAI_API_KEY":    "sk-x",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DataDir != "/from/env" || cfg.Store.Backend != "redis" || cfg.LLM.Model != "small" || !cfg.llmEnabled() {
		t.Errorf("got %+v", cfg)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	tests := []struct {
		name, body string
		want       []string // substrings of the error
	}{
		{"unknown key", "store:\n  backend: embedded\n  bakend: redis\n", []string{"c.yaml", "line 3", `unknown key "bakend"`}},
		{"unknown top key", "\n\nslak: {}\n", []string{"line 3", `unknown key "slak"`}},
		{"bad yaml", "store: [\n", []string{"c.yaml", "parse YAML", "line"}},
		{"wrong type", "llm:\n  max_steps: many\n", []string{"line 2", "many"}},
		{"bad backend", "store:\n  backend: mysql\n", []string{"store.backend", "mysql"}},
		{"redis without url", "store:\n  backend: redis\n", []string{"store.redis_url"}},
		{"slack without token", "chat:\n  platforms: [slack]\n", []string{"slack.bot_token", "SLACK_BOT_TOKEN"}},
		{"discord bad key", "chat:\n  platforms: [discord]\ndiscord:\n  bot_token: x\n  application_id: '1'\n  public_key: zz\n", []string{"discord.public_key"}},
		{"bad platform", "chat:\n  platforms: [irc]\n", []string{"chat.platforms[0]", "irc"}},
		{"bad job", "detection:\n  prometheus: http://p\n  jobs:\n  - name: a\n    query: up\n    schedule: nope\n    step: 5m\n    lookback: 30m\n    policy: {worse: sideways}\n",
			[]string{"detection.jobs[0].schedule", "detection.jobs[0].lookback", "detection.jobs[0].policy.worse"}},
		{"bad zone", "detection:\n  prometheus: http://p\n  jobs:\n  - {name: a, query: up, schedule: '@hourly', time_zone: Mars/Base, step: 5m, lookback: 24h}\n", []string{"Mars/Base"}},
		{"llm server without model", "llm:\n  base_url: http://localhost:11434/v1\n", []string{"llm.model", "WATTSON_LLM_MODEL"}},
		{"approver without users", "approvers:\n- service: checkout\n", []string{"approvers[0]", "users"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadConfig(writeFile(t, "c.yaml", tt.body), envMap(nil))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestLoadConfigMissingFile(t *testing.T) {
	_, err := loadConfig(filepath.Join(t.TempDir(), "nope.yaml"), envMap(nil))
	if err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Fatalf("err = %v, want it to name the file", err)
	}
}

// TestExampleConfigDocumentsEveryKey keeps wattson.example.yaml complete: it
// must load, and name every key of the config schema.
func TestExampleConfigDocumentsEveryKey(t *testing.T) {
	const path = "../../wattson.example.yaml"
	if _, err := loadConfig(path, envMap(nil)); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range yamlKeys(reflect.TypeFor[config]()) {
		if !regexp.MustCompile(`(?m)^[ #-]*` + regexp.QuoteMeta(key) + `:`).Match(data) {
			t.Errorf("wattson.example.yaml does not document key %q", key)
		}
	}
}

func yamlKeys(t reflect.Type) []string {
	var keys []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		keys = append(keys, name)
		ft := f.Type
		if ft.Kind() == reflect.Slice {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && ft.PkgPath() != "time" {
			keys = append(keys, yamlKeys(ft)...)
		}
	}
	return keys
}

func TestSecretsRedacted(t *testing.T) {
	cfg, err := loadConfig("", envMap(map[string]string{"SLACK_BOT_TOKEN": "xoxb-secret-value", "GITHUB_TOKEN": "ghp_secret"}))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := printConfig(&env{stdout: &out}, cfg); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "secret-value") || strings.Contains(out.String(), "ghp_") || !strings.Contains(out.String(), "<redacted>") {
		t.Errorf("secrets not redacted:\n%s", out.String())
	}
}
