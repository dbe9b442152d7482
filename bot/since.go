package bot

import (
	"strconv"
	"strings"
	"time"
)

// ParseSince reads a time phrase relative to now: a duration back ("24h",
// "90m", "3d", "2w"), "today", "yesterday", "this week", "last week",
// "last N hours|days|weeks", "last hour|day|week", a weekday ("monday",
// "since monday", the latest one before today), "N days ago", a time of
// day ("14:00", "the 14:00 deploy": its latest occurrence before now), or
// a date ("2025-06-01") or RFC 3339 time. Days start at midnight in now's
// location.
func ParseSince(phrase string, now time.Time) (time.Time, bool) {
	p := strings.ToLower(strings.TrimSpace(phrase))
	p = strings.TrimSuffix(p, "?")
	p = strings.TrimPrefix(p, "since ")
	p = strings.TrimSpace(p)
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	switch p {
	case "":
		return time.Time{}, false
	case "today", "this morning":
		return midnight, true
	case "yesterday":
		return midnight.AddDate(0, 0, -1), true
	case "this week":
		return midnight.AddDate(0, 0, -int((now.Weekday()+6)%7)), true
	case "last week":
		return now.AddDate(0, 0, -7), true
	case "last hour":
		return now.Add(-time.Hour), true
	case "last day":
		return now.AddDate(0, 0, -1), true
	}
	if d, ok := parseShortDuration(p); ok {
		return now.Add(-d), true
	}
	if rest, ok := strings.CutPrefix(p, "last "); ok {
		if d, ok := parseWordDuration(rest); ok {
			return now.Add(-d), true
		}
	}
	if rest, ok := strings.CutSuffix(p, " ago"); ok {
		if d, ok := parseWordDuration(rest); ok {
			return now.Add(-d), true
		}
		if d, ok := parseShortDuration(rest); ok {
			return now.Add(-d), true
		}
	}
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		name := strings.ToLower(wd.String())
		if p == name || p == name[:3] || p == "last "+name {
			back := int(now.Weekday()-wd+7) % 7
			if back == 0 {
				back = 7
			}
			return midnight.AddDate(0, 0, -back), true
		}
	}
	if t, ok := clockTime(p, now); ok {
		return t, true
	}
	if t, err := time.ParseInLocation("2006-01-02", p, now.Location()); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339, strings.ToUpper(p)); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// validSince reports whether ParseSince accepts phrase at some time.
func validSince(phrase string) bool {
	_, ok := ParseSince(phrase, time.Date(2025, 6, 4, 12, 0, 0, 0, time.UTC))
	return ok
}

// parseShortDuration reads "90m", "24h", "3d", "2w".
func parseShortDuration(s string) (time.Duration, bool) {
	if len(s) < 2 || len(s) > 8 {
		return 0, false
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n <= 0 {
		return 0, false
	}
	unit, ok := map[byte]time.Duration{'m': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[s[len(s)-1]]
	return time.Duration(n) * unit, ok
}

// parseWordDuration reads "3 days", "2 hours", "1 week", "an hour".
func parseWordDuration(s string) (time.Duration, bool) {
	num, unit, ok := strings.Cut(s, " ")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(num)
	if num == "a" || num == "an" || num == "one" {
		n, err = 1, nil
	}
	if err != nil || n <= 0 || n > 10000 {
		return 0, false
	}
	unit = strings.TrimSuffix(unit, "s")
	d, ok := map[string]time.Duration{"minute": time.Minute, "min": time.Minute, "hour": time.Hour, "day": 24 * time.Hour, "week": 7 * 24 * time.Hour}[unit]
	return time.Duration(n) * d, ok
}

// clockTime reads a time of day, "14:00" or "the 14:00 deploy", as its
// latest occurrence at or before now (in now's location).
func clockTime(p string, now time.Time) (time.Time, bool) {
	p = strings.TrimPrefix(p, "the ")
	p = strings.TrimSpace(strings.TrimSuffix(p, " deploy"))
	c, err := time.Parse("15:04", p)
	if err != nil {
		return time.Time{}, false
	}
	t := time.Date(now.Year(), now.Month(), now.Day(), c.Hour(), c.Minute(), 0, 0, now.Location())
	if t.After(now) {
		t = t.AddDate(0, 0, -1)
	}
	return t, true
}
