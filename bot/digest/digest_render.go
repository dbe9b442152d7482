package bot

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// DigestMessage renders a digest, with the chart of the week's savings
// when chart is not nil.
func DigestMessage(d Digest, chart []byte) Message {
	days := d.To.Sub(d.From).Round(time.Hour)
	period := fmt.Sprintf("last %s", humanDuration(days))
	fields := []Field{
		{"Regressions caught", fmt.Sprintf("%d (%d resolved, %d dismissed)", d.Caught, d.Resolved, d.Dismissed)},
		{"Time to detect", spreadText(d.Detect)},
		{"Time to mitigate", spreadText(d.Mitigate)},
		{"Open proposals", waitingText(d)},
		{"Savings recovered", fmt.Sprintf("%s cores ≈ %s W, %s MWh over the %s (at %s W per core)",
			num(d.Cores), num(d.Watts), mwh(d.MWh), period, num(d.WattsPerCore))},
		{"Wins found by", winsText(d.ByWattson, d.ByPeople)},
		{"Fixes verified", verifiedText(d)},
	}
	if len(d.Returned) > 0 {
		fields = append(fields, Field{"Fixes that came back", returnedText(d)})
	}
	var top []string
	for _, o := range d.Top {
		top = append(top, fmt.Sprintf("`%s` %s: %s in `%s` — %s cores ≈ %s W", o.ID, o.Service, o.Pattern, o.Function, num(o.Cores), num(o.Watts)))
	}
	text := "Top opportunities not yet acted on:\n" + strings.Join(top, "\n")
	if len(top) == 0 {
		text = "No open opportunities waiting."
	}
	m := Message{
		Title:  fmt.Sprintf("Wattson digest — %s, %s", period, d.Scope),
		Text:   text,
		Fields: fields,
		Footer: fmt.Sprintf("%s to %s", d.From.Format(timeLayout), d.To.Format(timeLayout)),
	}
	if chart != nil {
		m.Image = &Image{Name: "savings-week.png", Alt: fmt.Sprintf("cores recovered at the end of each of the last 7 days, now %s", num(d.Cores)), PNG: chart}
	}
	return m
}

func spreadText(s Spread) string {
	if s.N == 0 {
		return "—"
	}
	return fmt.Sprintf("median %s, worst %s (%d)", humanDuration(s.Median), humanDuration(s.Worst), s.N)
}

func waitingText(d Digest) string {
	if len(d.Waiting) == 0 {
		return "none waiting"
	}
	ids := make([]string, 0, len(d.Waiting))
	for i, p := range d.Waiting {
		if i == 5 {
			ids = append(ids, "…")
			break
		}
		ids = append(ids, p.ID)
	}
	return fmt.Sprintf("%d awaiting approval: %s", len(d.Waiting), strings.Join(ids, ", "))
}

func winsText(bot, people int) string {
	if bot+people == 0 {
		return "no wins merged in the period"
	}
	return fmt.Sprintf("Wattson %d (%.0f%%), people %d (%.0f%%)", bot, 100*float64(bot)/float64(bot+people), people, 100*float64(people)/float64(bot+people))
}

// verifiedText says which fixes later scans verified in the period and
// what they saved.
func verifiedText(d Digest) string {
	if len(d.Verified) == 0 {
		return "none in the period"
	}
	ids := make([]string, 0, len(d.Verified))
	for i, o := range d.Verified {
		if i == 5 {
			ids = append(ids, "…")
			break
		}
		ids = append(ids, o.ID)
	}
	return fmt.Sprintf("%d (%s): %s cores ≈ %s W saved, measured in later profiles", len(d.Verified), strings.Join(ids, ", "), num(d.VerifiedCores), num(d.VerifiedWatts))
}

// returnedText lists the fixed patterns that came back in the period.
func returnedText(d Digest) string {
	var parts []string
	for i, o := range d.Returned {
		if i == 5 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, fmt.Sprintf("%s (%s in `%s`, %s of CPU again)", o.ID, o.Pattern, shortFunc(o.Function), pct(o.CPUShare)))
	}
	return strings.Join(parts, ", ")
}

func mwh(x float64) string { return fmt.Sprintf("%.3f", x) }

// humanDuration renders d as "3d4h", "24h", "2h15m", "5m" or "40s".
func humanDuration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d >= 48*time.Hour:
		days, hours := d/(24*time.Hour), (d%(24*time.Hour)).Round(time.Hour)/time.Hour
		if hours == 0 {
			return fmt.Sprintf("%dd", days)
		}
		return fmt.Sprintf("%dd%dh", days, hours)
	case d >= time.Hour:
		h, m := d/time.Hour, (d%time.Hour).Round(time.Minute)/time.Minute
		if m == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh%dm", h, m)
	case d >= time.Minute:
		m, sec := d/time.Minute, (d%time.Minute)/time.Second
		if sec == 0 {
			return fmt.Sprintf("%dm", m)
		}
		return fmt.Sprintf("%dm%ds", m, sec)
	}
	return d.String()
}

// weekChart draws the week's savings, or returns nil when there is nothing
// to draw.
func weekChart(d Digest) []byte {
	if len(d.Week) < 2 {
		return nil
	}
	png, err := Chart(d.Week, time.Time{}, 0, 0)
	if err != nil {
		return nil
	}
	return png
}

// DigestPeriod is how far back the daily digest looks.
const DigestPeriod = 24 * time.Hour

// digest answers /wattson digest for the channel the user is in (all
// channels when nothing was routed there).
func (b *Bot) digest(ctx context.Context, ev Event) (Message, error) {
	channel := ev.ChannelName
	if channel == "" {
		channel = ev.Channel
	}
	d, err := b.ComputeDigest(ctx, "#"+strings.TrimPrefix(channel, "#"), b.now().UTC(), DigestPeriod)
	if err != nil {
		return Message{}, err
	}
	if d.Caught == 0 && len(d.Top) == 0 && len(d.Waiting) == 0 && d.Cores == 0 && len(d.Verified) == 0 && len(d.Returned) == 0 {
		if d, err = b.ComputeDigest(ctx, "", b.now().UTC(), DigestPeriod); err != nil {
			return Message{}, err
		}
	}
	m := DigestMessage(d, weekChart(d))
	m.Private = true
	return m, nil
}

// PostDigests posts the digest of the period ending at tick to each
// channel ("slack:#perf", or a channel of the default platform).
func (b *Bot) PostDigests(ctx context.Context, channels []string, tick time.Time) error {
	for _, target := range channels {
		platform, channel := splitTarget(target, b.o.DefaultPlatform)
		d, err := b.ComputeDigest(ctx, channel, tick.UTC(), DigestPeriod)
		if err != nil {
			return err
		}
		chat, err := b.chat(platform)
		if err != nil {
			return fmt.Errorf("post digest: %w", err)
		}
		if _, err := chat.Post(ctx, channel, "", DigestMessage(d, weekChart(d))); err != nil {
			return fmt.Errorf("post digest to %s: %w", target, err)
		}
	}
	return nil
}
