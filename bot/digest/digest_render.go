package digest

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/periodic"
)

// DigestMessage renders a digest, with the chart of the week's savings
// when chart is not nil.
func DigestMessage(d Digest, chart []byte) bot.Message {
	days := d.To.Sub(d.From).Round(time.Hour)
	period := fmt.Sprintf("last %s", humanDuration(days))
	fields := []bot.Field{
		{Name: "Regressions caught", Value: fmt.Sprintf("%d (%d resolved, %d dismissed)", d.Caught, d.Resolved, d.Dismissed)},
		{Name: "Time to detect", Value: spreadText(d.Response.Detect)},
		{Name: "Time to culprit", Value: spreadText(d.Response.Culprit)},
		{Name: "Time to proposal", Value: spreadText(d.Response.Proposal)},
		{Name: "Time to mitigate", Value: spreadText(d.Response.Mitigate)},
		{Name: "Time to recovery", Value: spreadText(d.Response.Recover)},
		{Name: "Open proposals", Value: waitingText(d)},
		{Name: "Savings recovered", Value: fmt.Sprintf("%s cores ≈ %s W, %s MWh over the %s (at %s W per core)",
			bot.Num(d.Cores), bot.Num(d.Watts), mwh(d.MWh), period, bot.Num(d.WattsPerCore))},
		{Name: "Wins found by", Value: winsText(d.ByWattson, d.ByPeople)},
		{Name: "Fixes verified", Value: verifiedText(d)},
	}
	if len(d.Returned) > 0 {
		fields = append(fields, bot.Field{Name: "Fixes that came back", Value: returnedText(d)})
	}
	var top []string
	for _, o := range d.Top {
		top = append(top, fmt.Sprintf("`%s` %s: %s in `%s` — %s cores ≈ %s W", o.ID, o.Service, o.Pattern, o.Function, bot.Num(o.Cores), bot.Num(o.Watts)))
	}
	text := "Top opportunities not yet acted on:\n" + strings.Join(top, "\n")
	if len(top) == 0 {
		text = "No open opportunities waiting."
	}
	m := bot.Message{
		Title:  fmt.Sprintf("Wattson digest — %s, %s", period, d.Scope),
		Text:   text,
		Fields: fields,
		Footer: fmt.Sprintf("%s to %s", d.From.Format(bot.TimeLayout), d.To.Format(bot.TimeLayout)),
	}
	if chart != nil {
		m.Image = &bot.Image{Name: "savings-week.png", Alt: fmt.Sprintf("cores recovered at the end of each of the last 7 days, now %s", bot.Num(d.Cores)), PNG: chart}
	}
	return m
}

func spreadText(s Spread) string {
	if s.N == 0 {
		return "—"
	}
	return fmt.Sprintf("median %s, p90 %s, worst %s (%d)", humanDuration(s.Median), humanDuration(s.P90), humanDuration(s.Worst), s.N)
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
	return fmt.Sprintf("%d (%s): %s cores ≈ %s W saved, measured in later profiles", len(d.Verified), strings.Join(ids, ", "), bot.Num(d.VerifiedCores), bot.Num(d.VerifiedWatts))
}

// returnedText lists the fixed patterns that came back in the period.
func returnedText(d Digest) string {
	var parts []string
	for i, o := range d.Returned {
		if i == 5 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, fmt.Sprintf("%s (%s in `%s`, %s of CPU again)", o.ID, o.Pattern, bot.ShortFunc(o.Function), bot.Pct(o.CPUShare)))
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
	png, err := bot.Chart(d.Week, time.Time{}, 0, 0)
	if err != nil {
		return nil
	}
	return png
}

// DigestPeriod is how far back the daily digest looks.
const DigestPeriod = 24 * time.Hour

// digest answers /wattson digest for the channel the user is in (all
// Records loads the records a digest is computed from.
func (g *Digests) Records(ctx context.Context) (Records, error) {
	var recs Records
	var err error
	if recs.Regressions, err = g.c.Store.ListRegressions(ctx, store.ListOptions{}); err != nil {
		return recs, fmt.Errorf("digest: list regressions: %w", err)
	}
	if recs.Proposals, err = g.c.Store.ListProposals(ctx, store.ListOptions{}); err != nil {
		return recs, fmt.Errorf("digest: list proposals: %w", err)
	}
	if recs.Opportunities, err = g.c.Store.ListOpportunities(ctx, store.ListOptions{}); err != nil {
		return recs, fmt.Errorf("digest: list opportunities: %w", err)
	}
	if recs.Investigations, err = g.c.Store.ListInvestigations(ctx, store.ListOptions{}); err != nil {
		return recs, fmt.Errorf("digest: list investigations: %w", err)
	}
	return recs, nil
}

// Compute loads the records and computes the digest of channel (every
// channel when empty) for the period of length period ending at to.
func (g *Digests) Compute(ctx context.Context, channel string, to time.Time, period time.Duration) (Digest, error) {
	recs, err := g.Records(ctx)
	if err != nil {
		return Digest{}, err
	}
	route := func(service string) string { return g.c.Route(store.Regression{Service: service}) }
	return Compute(recs, channel, to, period, route, g.c.WattsPerCore), nil
}

// Digest answers /wattson digest in channel: the digest of the last
// DigestPeriod there, or of every channel when there was nothing to say
// about this one.
func (g *Digests) Digest(ctx context.Context, channel string) (bot.Message, error) {
	d, err := g.Compute(ctx, channel, g.c.Now().UTC(), DigestPeriod)
	if err != nil {
		return bot.Message{}, err
	}
	if d.Caught == 0 && len(d.Top) == 0 && len(d.Waiting) == 0 && d.Cores == 0 && len(d.Verified) == 0 && len(d.Returned) == 0 {
		if d, err = g.Compute(ctx, "", g.c.Now().UTC(), DigestPeriod); err != nil {
			return bot.Message{}, err
		}
	}
	return DigestMessage(d, weekChart(d)), nil
}

// PostDigests posts the digest of the period ending at tick to each
// channel ("slack:#perf", or a channel of the default platform).
func (g *Digests) PostDigests(ctx context.Context, channels []string, tick time.Time) error {
	for _, target := range channels {
		platform, channel := g.c.Target(target)
		d, err := g.Compute(ctx, channel, tick.UTC(), DigestPeriod)
		if err != nil {
			return err
		}
		chat, err := g.c.Chat(platform)
		if err != nil {
			return fmt.Errorf("post digest: %w", err)
		}
		if _, err := chat.Post(ctx, channel, "", DigestMessage(d, weekChart(d))); err != nil {
			return fmt.Errorf("post digest to %s: %w", target, err)
		}
	}
	return nil
}

// Digests loads, renders and posts digests. Build it with New.
type Digests struct {
	c   *bot.Core
	log *slog.Logger
}

// New builds Digests over the bot's core. It does no I/O.
func New(c *bot.Core) *Digests {
	return &Digests{c: c, log: c.Log.With("part", "digest")}
}

// Job is the periodic job "digest": on spec (in loc; nil means UTC) it
// posts the digest of the period ending at the tick to each of channels.
func (g *Digests) Job(spec string, loc *time.Location, channels []string) periodic.Job {
	return periodic.Job{Name: "digest", Spec: spec, Location: loc, Do: func(ctx context.Context, tick time.Time) error {
		return g.PostDigests(ctx, channels, tick)
	}}
}
