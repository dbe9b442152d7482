package bot

import (
	"strings"

	"github.com/wattson-dev/wattson/store"
)

// Route sends the regressions whose labels all match to a channel.
type Route struct {
	// Match maps label names to required values. "service" and "metric"
	// also match the regression's service and metric name.
	Match map[string]string
	// Channel is where matching regressions are posted. A "slack:" or
	// "discord:" prefix picks the platform; without one the bot's default
	// platform is used.
	Channel string
}

// matches reports whether every label of the route matches r.
func (rt Route) matches(r store.Regression) bool {
	for k, want := range rt.Match {
		got, ok := r.Labels[k]
		switch {
		case k == "service" && !ok:
			got, ok = r.Service, true
		case k == "metric" && !ok:
			got, ok = r.Metric, true
		}
		if !ok || got != want {
			return false
		}
	}
	return true
}

// routeChannel returns the channel for r: the one already chosen when set,
// else the first matching route's, else fallback.
func routeChannel(routes []Route, r store.Regression, fallback string) string {
	if r.Channel != "" {
		return r.Channel
	}
	for _, rt := range routes {
		if rt.matches(r) {
			return rt.Channel
		}
	}
	return fallback
}

// splitTarget splits "slack:#perf" into its platform and channel; a
// channel without a known platform prefix gets def.
func splitTarget(target, def string) (platform, channel string) {
	if p, c, ok := strings.Cut(target, ":"); ok {
		switch p {
		case "slack", "discord", "console":
			return p, c
		}
	}
	return def, target
}

// SameChannel compares channels written with or without a platform prefix
// and a leading '#'.
func SameChannel(a, b string) bool {
	_, a = splitTarget(a, "")
	_, b = splitTarget(b, "")
	return strings.EqualFold(strings.TrimPrefix(a, "#"), strings.TrimPrefix(b, "#"))
}
