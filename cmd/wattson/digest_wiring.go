package main

// digestConfig schedules the efficiency digest (see digest.Digests.Job).
type digestConfig struct {
	Schedule string   `yaml:"schedule"`  // robfig/cron spec; empty: on demand only
	TimeZone string   `yaml:"time_zone"` // IANA zone of the schedule; empty: UTC
	Channels []string `yaml:"channels"`  // "#perf" or "slack:#perf"
}
