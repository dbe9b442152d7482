package main

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"time"

	promconfig "github.com/prometheus/common/config"

	"github.com/wattson-dev/wattson/cmd/wattson/internal/chatsetup"
	"github.com/wattson-dev/wattson/cmd/wattson/internal/endpoint"
	"github.com/wattson-dev/wattson/cmd/wattson/internal/functions"
	"github.com/wattson-dev/wattson/cmd/wattson/internal/yamlconf"
	"github.com/wattson-dev/wattson/skills/agent"
)

// config is the whole of Wattson's configuration: one YAML file (see
// wattson.example.yaml) overlaid with secrets and overrides from the
// environment. The zero file is valid: embedded store, console chat,
// playbook mode.
type config struct {
	DataDir   string          `yaml:"data_dir"`
	Store     storeConfig     `yaml:"store"`
	Server    serverConfig    `yaml:"server"`
	Chat      chatConfig      `yaml:"chat"`
	Slack     slackConfig     `yaml:"slack"`
	Discord   discordConfig   `yaml:"discord"`
	GitHub    githubConfig    `yaml:"github"`
	LLM       llmConfig       `yaml:"llm"`
	Impact    impactConfig    `yaml:"impact"`
	Skills    skillsConfig    `yaml:"skills"`
	Detection detectionConfig `yaml:"detection"`
	Offense   offenseConfig   `yaml:"offense"` // offense_wiring.go
	Digest    digestConfig    `yaml:"digest"`  // digest_wiring.go
	Services  []serviceConfig `yaml:"services"`
	Routes    []routeConfig   `yaml:"routes"`
	Approvers []approverRule  `yaml:"approvers"`

	chatFromEnv bool // Chat.Platforms came from the credentials in the environment
}

// secret is a credential: it is printed redacted and never logged.
type secret string

// MarshalYAML prints the config with the credentials inside its URLs
// redacted (and its secrets, by their own MarshalYAML).
func (c config) MarshalYAML() (any, error) {
	type plain config // without this method
	return yamlconf.Node(plain(c), endpoint.Redact)
}

// MarshalYAML redacts the secret when the effective config is printed.
func (s secret) MarshalYAML() (any, error) {
	if s == "" {
		return "", nil
	}
	return "<redacted>", nil
}

type storeConfig struct {
	Backend   string `yaml:"backend"`    // embedded | redis
	RedisURL  secret `yaml:"redis_url"`  // may hold a password; env WATTSON_REDIS_URL
	KeyPrefix string `yaml:"key_prefix"` // namespace for Redis keys
	// ReclaimIdle is how long a queued job may go unacknowledged before
	// another replica takes it over.
	ReclaimIdle time.Duration `yaml:"reclaim_idle"`
	// Backup schedules hot backups of the embedded store while it runs.
	Backup backupConfig `yaml:"backup"`
}

// backupConfig schedules backups of the embedded store into a directory.
type backupConfig struct {
	Schedule string `yaml:"schedule"` // robfig/cron spec; empty: no scheduled backup
	Dir      string `yaml:"dir"`      // where the copies go (required with schedule)
	Keep     int    `yaml:"keep"`     // newest copies kept; 0: 7
}

type serverConfig struct {
	Listen string `yaml:"listen"` // address of the HTTP server (Slack, Discord, /healthz, /metrics)
}

type chatConfig struct {
	Platforms      []string      `yaml:"platforms"`       // any of console, slack, discord
	DefaultChannel string        `yaml:"default_channel"` // for regressions no route matches
	RemindAfter    time.Duration `yaml:"remind_after"`    // remind approvers of a proposal waiting this long; 0: never
}

type slackConfig struct {
	BotToken      secret `yaml:"bot_token"`
	SigningSecret secret `yaml:"signing_secret"`
	AppToken      secret `yaml:"app_token"`
	SocketMode    bool   `yaml:"socket_mode"`
	APIURL        string `yaml:"api_url"`
	// MinInterval is the least time between two messages to one channel
	// (Slack allows about one a second); 0 means one second.
	MinInterval time.Duration `yaml:"min_interval"`
}

type discordConfig struct {
	BotToken      secret `yaml:"bot_token"`
	PublicKey     string `yaml:"public_key"`
	ApplicationID string `yaml:"application_id"`
	GuildID       string `yaml:"guild_id"`
	APIURL        string `yaml:"api_url"`
}

type githubConfig struct {
	Token          secret   `yaml:"token"`
	AppID          int64    `yaml:"app_id"`
	InstallationID int64    `yaml:"installation_id"`
	PrivateKeyFile string   `yaml:"private_key_file"`
	APIURL         string   `yaml:"api_url"`
	Repos          []string `yaml:"repos"`
	MergeOnApprove bool     `yaml:"merge_on_approve"`
}

type llmConfig struct {
	BaseURL     string        `yaml:"base_url"`
	APIKey      secret        `yaml:"api_key"`
	Model       string        `yaml:"model"`
	MaxSteps    int           `yaml:"max_steps"`
	TokenBudget int           `yaml:"token_budget"`
	ToolTimeout time.Duration `yaml:"tool_timeout"`
}

type impactConfig struct {
	WattsPerCore float64 `yaml:"watts_per_core"`
}

type skillsConfig struct {
	Dir string `yaml:"dir"` // SKILL.md files and playbooks
}

type detectionConfig struct {
	Prometheus string                       `yaml:"prometheus"`  // base URL of the Prometheus HTTP API
	MaxSamples int                          `yaml:"max_samples"` // samples budget of one request (0: prom.DefaultMaxSamples)
	Client     *promconfig.HTTPClientConfig `yaml:"client"`      // authorization, basic_auth, tls_config, http_headers, proxy_url
	Jobs       []detectionJob               `yaml:"jobs"`
}

type detectionJob struct {
	Name     string        `yaml:"name"`
	Query    string        `yaml:"query"`
	Schedule string        `yaml:"schedule"` // robfig/cron spec, e.g. "*/15 * * * *"
	TimeZone string        `yaml:"time_zone"`
	Step     time.Duration `yaml:"step"`
	Lookback time.Duration `yaml:"lookback"`
	Service  string        `yaml:"service"`
	Channel  string        `yaml:"channel"`
	Policy   policyConfig  `yaml:"policy"`
	// Investigate is auto (the default: a new regression is investigated
	// at once) or manual (on a click or command).
	Investigate string `yaml:"investigate"`
	Display     string `yaml:"display"` // the metric's name in chat: "CPU per request"
	Unit        string `yaml:"unit"`    // seconds | bytes | ratio | percent
}

type policyConfig struct {
	Worse       string        `yaml:"worse"` // higher | lower
	MinPct      float64       `yaml:"min_pct"`
	MinAbs      float64       `yaml:"min_abs"`
	MinDuration time.Duration `yaml:"min_duration"`
}

// serviceConfig says where an investigation of one service finds its data.
type serviceConfig struct {
	Name     string   `yaml:"name"`
	Repo     string   `yaml:"repo"`     // local git clone
	GitHub   string   `yaml:"github"`   // owner/repo, instead of repo
	Profiles string   `yaml:"profiles"` // directory of <service>/<RFC3339>.pb.gz
	Deploys  string   `yaml:"deploys"`  // deploy log (JSON array or JSON lines)
	Metrics  []string `yaml:"metrics"`  // saved query_range files, instead of Prometheus
	RPS      float64  `yaml:"rps"`      // requests per second, for cores and watts
	// Instances is how many processes like the profiled one run, to scale
	// opportunity savings to the fleet.
	Instances   float64 `yaml:"instances"`
	Investigate string  `yaml:"investigate"` // auto | manual, as for detection jobs
	// Functions, when set, captures the instances' CPU profiles on a
	// schedule for function-level detection (internal/functions).
	Functions *functions.Config `yaml:"functions"`
}

type routeConfig struct {
	Match   map[string]string `yaml:"match"` // label (or "service") → value
	Channel string            `yaml:"channel"`
}

type approverRule struct {
	Service string   `yaml:"service"`
	Channel string   `yaml:"channel"`
	Users   []string `yaml:"users"`
	Groups  []string `yaml:"groups"`
}

// defaultConfig is what Wattson runs on with no file at all.
func defaultConfig() config {
	return config{
		DataDir: "wattson-data",
		Store:   storeConfig{Backend: "embedded", KeyPrefix: "wattson"},
		Server:  serverConfig{Listen: "127.0.0.1:8080"},
		Chat:    chatConfig{Platforms: []string{"console"}},
		LLM:     llmConfig{MaxSteps: 12, TokenBudget: 60000, ToolTimeout: agent.DefaultToolTimeout},
		Impact:  impactConfig{WattsPerCore: 10},
	}
}

// loadConfig reads the config file at path (none when empty), overlays the
// environment and validates the result.
func loadConfig(path string, getenv func(string) string) (config, error) {
	cfg := defaultConfig()
	cfg.Chat.Platforms = nil // told apart from a file that names them, below
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return cfg, fmt.Errorf("read config: %w", err)
		}
		if err := yamlconf.Decode(bytes.NewReader(data), &cfg); err != nil {
			return cfg, fmt.Errorf("config %s: %w", path, err)
		}
		cfg.Detection.Client.SetDirectory(filepath.Dir(path)) // its files are relative to the config
	}
	applyEnv(&cfg, getenv)
	cfg.Chat.Platforms, cfg.chatFromEnv = chatsetup.Platforms(cfg.Chat.Platforms, getenv)
	// Zero means the runtime's default; hold that, so it is what prints.
	cfg.Slack.MinInterval = cmp.Or(cfg.Slack.MinInterval, time.Second)          // bot/slack
	cfg.Store.ReclaimIdle = cmp.Or(cfg.Store.ReclaimIdle, 15*time.Minute)       // bot/worker
	cfg.Store.Backup.Keep = cmp.Or(cfg.Store.Backup.Keep, 7)                    // store/bolt BackupTo
	cfg.LLM.ToolTimeout = cmp.Or(cfg.LLM.ToolTimeout, agent.DefaultToolTimeout) // skills/agent
	if err := cfg.validate(); err != nil {
		if path == "" {
			path = "(environment)"
		}
		return cfg, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

// applyEnv overlays secrets and overrides from the environment; a set
// variable wins over the file.
func applyEnv(cfg *config, getenv func(string) string) {
	set := func(dst *string, key string) {
		if v := getenv(key); v != "" {
			*dst = v
		}
	}
	setSecret := func(dst *secret, key string) {
		if v := getenv(key); v != "" {
			*dst = secret(v)
		}
	}
	set(&cfg.DataDir, "WATTSON_DATA_DIR")
	set(&cfg.Server.Listen, "WATTSON_LISTEN")
	setSecret(&cfg.Store.RedisURL, "WATTSON_REDIS_URL")
	if getenv("WATTSON_REDIS_URL") != "" {
		cfg.Store.Backend = "redis"
	}
	setSecret(&cfg.Slack.BotToken, "SLACK_BOT_TOKEN")
	setSecret(&cfg.Slack.SigningSecret, "SLACK_SIGNING_SECRET")
	setSecret(&cfg.Slack.AppToken, "SLACK_APP_TOKEN")
	set(&cfg.Slack.APIURL, "SLACK_API_URL")
	setSecret(&cfg.Discord.BotToken, "DISCORD_BOT_TOKEN")
	set(&cfg.Discord.PublicKey, "DISCORD_PUBLIC_KEY")
	set(&cfg.Discord.ApplicationID, "DISCORD_APPLICATION_ID")
	set(&cfg.Discord.APIURL, "DISCORD_API_URL")
	setSecret(&cfg.GitHub.Token, "GITHUB_TOKEN")
	set(&cfg.GitHub.APIURL, "GITHUB_API_URL")
	setSecret(&cfg.LLM.APIKey, "OPENAI_API_KEY")
	set(&cfg.LLM.BaseURL, "OPENAI_BASE_URL")
	set(&cfg.LLM.Model, "WATTSON_LLM_MODEL")
}

// llmEnabled reports whether an LLM is configured; without one every chain
// runs as a deterministic playbook.
func (c config) llmEnabled() bool {
	return c.LLM.APIKey != "" || c.LLM.BaseURL != ""
}

// storePath is the embedded database file inside the data directory.
func (c config) storePath() string {
	return filepath.Join(c.DataDir, "wattson.db")
}
