package bot

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/wattson-dev/wattson/store"
)

// metricWords maps words people use to the metric they mean.
func metricWords() map[string]string {
	return map[string]string{
		"cpu": "cpu", "cores": "cpu", "core": "cpu",
		"latency": "latency", "slower": "latency", "slow": "latency", "p99": "latency", "p95": "latency", "p50": "latency",
		"memory": "memory", "mem": "memory", "rss": "memory", "heap": "memory", "ram": "memory",
		"alloc": "allocations", "allocs": "allocations", "allocations": "allocations", "gc": "gc",
		"errors": "errors", "throughput": "throughput", "qps": "throughput", "rps": "throughput",
	}
}

// timePhrase finds a time phrase inside a sentence.
func timePhrase() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b(since (?:the )?\d{1,2}:\d{2}(?: deploy)?|since \S+|yesterday|today|this morning|this week|last week|last (?:\d+|an?|one) (?:minutes?|hours?|days?|weeks?)|last (?:hour|day)|(?:\d+|an?) (?:minutes?|hours?|days?|weeks?) ago|\d+[mhdw] ago|(?:last )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|\d{4}-\d{2}-\d{2})\b`)
}

// Understanding is what the bot made of a question without an LLM.
type Understanding struct {
	// RegressionID is an R-id mentioned in the question.
	RegressionID string
	// Service is a known service named in the question.
	Service string
	// Metric is the metric family asked about ("cpu", "latency", ...).
	Metric string
	// Since is the time phrase found ("yesterday"), or "".
	Since string
}

// Understand finds a regression id, a service out of services, a metric
// and a time phrase in a question such as "why did checkout CPU go up
// yesterday?".
func Understand(text string, services []string) Understanding {
	var u Understanding
	if m := timePhrase().FindString(text); m != "" {
		u.Since = strings.ToLower(m)
	}
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
	})
	metrics := metricWords()
	for _, w := range words {
		w = strings.Trim(w, ".-_")
		switch {
		case u.RegressionID == "" && looksLikeID(w) && strings.HasPrefix(w, "r-"):
			u.RegressionID = strings.ToUpper(w)
		case u.Service == "" && slices.ContainsFunc(services, func(s string) bool { return strings.EqualFold(s, w) }):
			u.Service = w
		case u.Metric == "" && metrics[w] != "":
			u.Metric = metrics[w]
		}
	}
	return u
}

// mention starts a conversational investigation from a question.
func (b *Bot) mention(ctx context.Context, ev Event) (Message, error) {
	services, err := b.knownServices(ctx)
	if err != nil {
		return Message{}, err
	}
	u := Understand(ev.Text, services)
	if u.RegressionID == "" && u.Service == "" {
		hint := "I didn't catch which service you mean."
		if len(services) > 0 {
			hint += " I know about " + strings.Join(services, ", ") + "."
		}
		return Message{Text: hint + " Try \"@wattson why did checkout CPU go up yesterday?\" or /wattson help.", Private: true}, nil
	}
	// The metric asked about is a family ("cpu"); the investigation wants
	// one of the service's metrics, never the word.
	q := Question{RegressionID: u.RegressionID, Service: u.Service, Text: ev.Text, Trigger: store.TriggerConversation}
	if u.Since != "" {
		q.Since, _ = ParseSince(u.Since, b.now())
	}
	var about *store.Regression
	if q.RegressionID == "" {
		about = b.latestRegression(ctx, q, u.Metric)
	} else if r, err := b.c.Store.GetRegression(ctx, q.RegressionID); err == nil {
		about = r
	}
	if about != nil {
		q.RegressionID, q.Service, q.Metric = about.ID, about.Service, about.Metric
	} else if u.Metric != "" {
		q.Metric = b.serviceMetric(ctx, q.Service, u.Metric)
	}
	m, err := b.startInvestigation(ctx, ev, q)
	if err != nil {
		return m, err
	}
	m.Private = false
	if about != nil {
		// One acknowledgement: what matched, then what runs.
		info := b.c.DescribeRegression(*about)
		what := about.Service
		if info.Display == "" || info.Unit == UnitNone {
			what += " " + displayName(info, about.Metric) // Levels does not name it
		}
		m.Text = fmt.Sprintf("That looks like %s: %s went %s at %s (%s now). %s", about.ID, what,
			info.Levels(about.Before, about.After), about.ChangeTime.UTC().Format(TimeLayout), about.Status, m.Text)
	}
	return m, nil
}

// displayName is a metric's name for people.
func displayName(info MetricInfo, metric string) string {
	if info.Display != "" {
		return info.Display
	}
	return metric
}

// family is the metric family ("cpu", "latency", ...) a metric belongs
// to, by the words of its name and display name; "" when none.
func (b *Bot) family(metric string) string {
	words := metricWords()
	text := strings.ToLower(metric + " " + b.c.Describe(metric).Display)
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') }) {
		if f := words[w]; f != "" {
			return f
		}
	}
	switch {
	case strings.Contains(text, "seconds") && !strings.Contains(text, "cpu"):
		return "latency"
	case strings.Contains(text, "bytes"):
		return "memory"
	case strings.Contains(text, "error"):
		return "errors"
	}
	return ""
}

// latestRegression returns the newest regression of a question's
// service, whatever its status, whose metric is of family (any, when
// empty) and that changed after the question's since; nil if none.
func (b *Bot) latestRegression(ctx context.Context, q Question, family string) *store.Regression {
	rs, err := b.c.Store.ListRegressions(ctx, store.ListOptions{Limit: 200})
	if err != nil {
		b.log.WarnContext(ctx, "list regressions for a mention", "err", err)
		return nil
	}
	for i := len(rs) - 1; i >= 0; i-- {
		r := rs[i]
		if !strings.EqualFold(r.Service, q.Service) {
			continue
		}
		if family != "" && b.family(r.Metric) != family {
			continue
		}
		if !q.Since.IsZero() && r.ChangeTime.Before(q.Since) {
			continue
		}
		return &r
	}
	return nil
}

// serviceMetric is a metric of service in family: one configured for
// chat (CoreOptions.Metrics) or one a regression of the service was
// found on; "" when none is known, and the investigation looks at the
// service as a whole.
func (b *Bot) serviceMetric(ctx context.Context, service, family string) string {
	if rs, err := b.c.Store.ListRegressions(ctx, store.ListOptions{Limit: 500}); err == nil {
		for i := len(rs) - 1; i >= 0; i-- {
			if strings.EqualFold(rs[i].Service, service) && b.family(rs[i].Metric) == family {
				return rs[i].Metric
			}
		}
	}
	var names []string
	for name := range b.c.o.Metrics {
		if b.family(name) == family {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	if len(names) > 0 {
		return names[0]
	}
	return ""
}

// knownServices lists the services mentions may name.
func (b *Bot) knownServices(ctx context.Context) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && !seen[strings.ToLower(s)] {
			seen[strings.ToLower(s)] = true
			out = append(out, s)
		}
	}
	for _, s := range b.o.Services {
		add(s)
	}
	for _, rt := range b.c.o.Routes {
		add(rt.Match["service"])
	}
	for _, a := range b.c.o.Approvers {
		add(a.Service)
	}
	rs, err := b.c.Store.ListRegressions(ctx, store.ListOptions{Limit: 500})
	if err != nil {
		return nil, fmt.Errorf("list services: %w", err)
	}
	for _, r := range rs {
		add(r.Service)
	}
	slices.Sort(out)
	return out, nil
}
