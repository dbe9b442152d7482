package main

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
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

// job is a valid detection job with its query and schedule left to fill in.
const job = "detection:\n  prometheus: http://p:9090\n  jobs:\n  - {name: a, query: '%s', schedule: '%s', step: 5m, lookback: 24h}\n"

// configErrorCases are bad configs and what their error must mention; they
// also seed FuzzLoadConfig.
var configErrorCases = []struct {
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
	{"bad unit", "detection:\n  prometheus: http://p\n  jobs:\n  - name: a\n    query: up\n    schedule: '@every 1m'\n    step: 5m\n    lookback: 1h\n    unit: furlongs\n",
		[]string{"detection.jobs[0].unit", "furlongs", "seconds, bytes"}},
	{"negative reminder", "chat:\n  remind_after: -1h\n", []string{"chat.remind_after", "negative"}},
	{"bad job", "detection:\n  prometheus: http://p\n  jobs:\n  - name: a\n    query: up\n    schedule: nope\n    step: 5m\n    lookback: 30m\n    policy: {worse: sideways}\n",
		[]string{"detection.jobs[0].schedule", "detection.jobs[0].lookback", "detection.jobs[0].policy.worse"}},
	{"bad zone", "detection:\n  prometheus: http://p\n  jobs:\n  - {name: a, query: up, schedule: '@hourly', time_zone: Mars/Base, step: 5m, lookback: 24h}\n", []string{"Mars/Base"}},
	{"llm server without model", "llm:\n  base_url: http://localhost:11434/v1\n", []string{"llm.model", "WATTSON_LLM_MODEL"}},
	{"approver without users", "approvers:\n- service: checkout\n", []string{"approvers[0]", "users"}},

	// Every value is checked at load (issue 16).
	{"cron minute step too big", fmt.Sprintf(job, "up", "*/61 * * * *"), []string{"detection.jobs[0].schedule", "step 61", "minute"}},
	{"cron hour step too big", fmt.Sprintf(job, "up", "0 */24 * * *"), []string{"detection.jobs[0].schedule", "step 24", "hour"}},
	{"cron out of range", fmt.Sprintf(job, "up", "61 * * * *"), []string{"detection.jobs[0].schedule", "61"}},
	{"cron with its own zone", fmt.Sprintf(job, "up", "CRON_TZ=Europe/Paris 0 * * * *"), []string{"detection.jobs[0].schedule", "time_zone"}},
	{"offense cron step", "offense:\n  schedule: '0 0 */32 * *'\n", []string{"offense.schedule", "step 32"}},
	{"digest cron step", "digest:\n  schedule: '0 9 * */13 *'\n  channels: ['#perf']\n", []string{"digest.schedule", "step 13"}},
	{"promql syntax", fmt.Sprintf(job, "sum(rate(x[5m])", "@hourly"), []string{"detection.jobs[0].query", "unclosed left parenthesis"}},
	{"promql quote", fmt.Sprintf(job, `up{job="a}`, "@hourly"), []string{"detection.jobs[0].query", "unterminated quoted string"}},
	{"prometheus ftp", "detection:\n  prometheus: ftp://p:21\n", []string{"detection.prometheus: scheme ftp not allowed (want http or https)"}},
	{"prometheus unparsable", "detection:\n  prometheus: 'http://a b:9090'\n", []string{"detection.prometheus:", "invalid character"}},
	{"prometheus bare host", "detection:\n  prometheus: localhost:9090\n", []string{"detection.prometheus:", "absolute URL"}},
	{"prometheus bad port", "detection:\n  prometheus: http://p:99999\n", []string{"detection.prometheus:", "port 99999"}},
	{"slack api url", "slack:\n  api_url: slack.com/api\n", []string{"slack.api_url:", "absolute URL"}},
	{"discord api url", "discord:\n  api_url: 'ws://discord.com'\n", []string{"discord.api_url: scheme ws not allowed"}},
	{"github api url", "github:\n  api_url: ':github'\n", []string{"github.api_url:", "missing protocol scheme"}},
	{"llm base url", "llm:\n  base_url: file:///tmp/x\n  model: m\n", []string{"llm.base_url: scheme file not allowed"}},
	{"redis url scheme", "store:\n  backend: redis\n  redis_url: http://r:6379\n", []string{"store.redis_url: scheme http not allowed (want redis, rediss or unix)"}},
	{"negative min interval", "slack:\n  min_interval: -1s\n", []string{"slack.min_interval", "negative"}},
	{"negative tool timeout", "llm:\n  tool_timeout: -5s\n", []string{"llm.tool_timeout", "negative"}},
	{"negative reclaim idle", "store:\n  reclaim_idle: -1m\n", []string{"store.reclaim_idle", "negative"}},
	{"backup without a dir", "store:\n  backup: {schedule: \"@daily\"}\n", []string{"store.backup.dir", "required"}},
	{"backup of redis", "store:\n  backend: redis\n  redis_url: redis://r:6379\n  backup: {schedule: \"@daily\", dir: /b}\n", []string{"store.backup", "Redis has its own persistence"}},
	{"backup schedule", "store:\n  backup: {schedule: \"every day\", dir: /b}\n", []string{"store.backup.schedule"}},
	{"listen without port", "server:\n  listen: '8080'\n", []string{"server.listen:", "missing port"}},
	{"listen port range", "server:\n  listen: 'localhost:99999'\n", []string{"server.listen:", "port 99999"}},
	{"listen url", "server:\n  listen: 'http://0.0.0.0:8080'\n", []string{"server.listen:"}},
	{"listen bad host", "server:\n  listen: 'local host:80'\n", []string{"server.listen:", "host"}},
}

func TestLoadConfigErrors(t *testing.T) {
	for _, tt := range configErrorCases {
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

// TestLoadConfigAccepts keeps the checks from refusing what the runtime
// takes.
func TestLoadConfigAccepts(t *testing.T) {
	for _, body := range []string{
		fmt.Sprintf(job, "sum by (service) (rate(process_cpu_seconds_total[5m])) / sum by (service) (rate(http_requests_total[5m]))", "*/59 */23 */31 */12 */6"),
		fmt.Sprintf(job, `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="api"}[5m])))`, "0 9 * * MON-FRI"),
		fmt.Sprintf(job, `{"my.metric", env="prod"}`, "@every 90s"),
		fmt.Sprintf(job, "up", "30 2 1-15/7 * *"),
		"server:\n  listen: ':8080'\n",
		"server:\n  listen: '[::1]:0'\n",
		"server:\n  listen: 'wattson.internal:443'\n",
		"store:\n  backend: redis\n  redis_url: 'rediss://:pw@r.example:6380/2'\n",
		"store:\n  backend: redis\n  redis_url: 'unix:///run/redis.sock'\n",
		"slack:\n  api_url: http://127.0.0.1:9999/api/\n  min_interval: 0s\n",
		"llm:\n  base_url: HTTPS://llm.example/v1\n  model: m\n  tool_timeout: 0s\n",
		"discord:\n  api_url: https://discord.com\ngithub:\n  api_url: https://ghe.example/api/v3/\n",
	} {
		if _, err := loadConfig(writeFile(t, "c.yaml", body), envMap(nil)); err != nil {
			t.Errorf("%s: %v", body, err)
		}
	}
}

// TestLoadConfigEnvChecked checks values from the environment like those
// from the file.
func TestLoadConfigEnvChecked(t *testing.T) {
	_, err := loadConfig("", envMap(map[string]string{"WATTSON_LISTEN": "8080", "OPENAI_BASE_URL": "ftp://u:hunter2@llm", "WATTSON_LLM_MODEL": "m"}))
	if err == nil || !strings.Contains(err.Error(), "server.listen:") || !strings.Contains(err.Error(), "llm.base_url: scheme ftp") {
		t.Fatalf("err = %v, want server.listen and llm.base_url named", err)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error shows the password: %v", err)
	}
}

// TestConfigErrorsOneLineEach checks that each problem is one line naming
// its key, and that no error repeats a credential from a URL.
func TestConfigErrorsOneLineEach(t *testing.T) {
	body := "server:\n  listen: nope\ndetection:\n  prometheus: 'ftp://u:hunter2@p'\nslack:\n  api_url: 'http://u:hunter2@a b'\n  min_interval: -1s\n"
	_, err := loadConfig(writeFile(t, "c.yaml", body), envMap(nil))
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	for i, key := range []string{"server.listen: ", "slack.min_interval: ", "detection.prometheus: ", "slack.api_url: "} {
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, key) }) {
			t.Errorf("problem %d: no line names %s in\n%v", i, key, err)
		}
	}
	if len(lines) != 4 || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("want 4 lines without the password, got\n%v", err)
	}
}

// TestCheckConfigPrintsEffective checks what serve --check-config prints:
// the defaults the runtime applies, and URLs without their credentials.
func TestCheckConfigPrintsEffective(t *testing.T) {
	body := "detection:\n  prometheus: 'http://prom:s3cret@prom:9090/'\nllm:\n  base_url: 'https://key:s3cret@llm.example/v1?api_key=s3cret&x=1'\n  model: m\n" +
		"slack:\n  api_url: 'http://u:s3cret@slack.local/api/'\ndiscord:\n  api_url: 'https://tok3n@discord.local'\ngithub:\n  api_url: 'https://x:s3cret@ghe.local/api/v3/'\n"
	cfg, err := loadConfig(writeFile(t, "c.yaml", body), envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := printConfig(&env{stdout: &out}, cfg); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, leak := range []string{"s3cret", "tok3n"} {
		if strings.Contains(got, leak) {
			t.Errorf("printed config shows %q:\n%s", leak, got)
		}
	}
	for _, want := range []string{"min_interval: 1s", "reclaim_idle: 15m0s", "tool_timeout: 30s", "prom:9090", "llm.example/v1", "x=1", "ghe.local/api/v3/"} {
		if !strings.Contains(got, want) {
			t.Errorf("printed config lacks %q:\n%s", want, got)
		}
	}
	if cfg.Detection.Prometheus != "http://prom:s3cret@prom:9090/" {
		t.Errorf("printing changed the config: %q", cfg.Detection.Prometheus)
	}
}

// FuzzLoadConfig feeds the loader arbitrary files: it returns a config or
// an error, never panics, and a config it accepts prints.
func FuzzLoadConfig(f *testing.F) {
	for _, tt := range configErrorCases {
		f.Add(tt.body)
	}
	f.Add("")
	f.Add(fmt.Sprintf(job, "up", "@daily"))
	f.Fuzz(func(t *testing.T, body string) {
		cfg, err := loadConfig(writeFile(t, "c.yaml", body), envMap(nil))
		if err != nil {
			return
		}
		var out strings.Builder
		if err := printConfig(&env{stdout: &out}, cfg); err != nil {
			t.Fatalf("accepted config does not print: %v", err)
		}
	})
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
		if !f.IsExported() {
			continue // not read from the file
		}
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
	cfg, err := loadConfig("", envMap(map[string]string{"SLACK_BOT_TOKEN": "xoxb-secret-value", "SLACK_SIGNING_SECRET": "signing", "GITHUB_TOKEN": "ghp_secret"}))
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
