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
	return regexp.MustCompile(`(?i)\b(since \S+|yesterday|today|this morning|this week|last week|last (?:\d+|an?|one) (?:minutes?|hours?|days?|weeks?)|last (?:hour|day)|(?:\d+|an?) (?:minutes?|hours?|days?|weeks?) ago|\d+[mhdw] ago|(?:last )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|\d{4}-\d{2}-\d{2})\b`)
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
	q := Question{RegressionID: u.RegressionID, Service: u.Service, Metric: u.Metric, Text: ev.Text, Trigger: store.TriggerConversation}
	if u.Since != "" {
		q.Since, _ = ParseSince(u.Since, b.now())
	}
	if q.RegressionID == "" {
		q.RegressionID = b.latestRegression(ctx, q)
	}
	m, err := b.startInvestigation(ctx, ev, q)
	if err == nil {
		m.Private = false
		m.Text = fmt.Sprintf("Looking into %s — %s", describe(q), m.Text)
	}
	return m, err
}

// describe names what a question is about.
func describe(q Question) string {
	s := q.Service
	if q.Metric != "" {
		s += " " + q.Metric
	}
	if q.RegressionID != "" {
		s += " (" + q.RegressionID + ")"
	}
	return strings.TrimSpace(s)
}

// latestRegression returns the newest open regression matching a question
// about a service, so the investigation threads under its alert; "" if none.
func (b *Bot) latestRegression(ctx context.Context, q Question) string {
	rs, err := b.c.Store.ListRegressions(ctx, store.ListOptions{Limit: 200})
	if err != nil {
		b.log.WarnContext(ctx, "list regressions for a mention", "err", err)
		return ""
	}
	for i := len(rs) - 1; i >= 0; i-- {
		r := rs[i]
		if !strings.EqualFold(r.Service, q.Service) || !r.Status.AwaitsDecision() {
			continue
		}
		if q.Metric != "" && !strings.Contains(strings.ToLower(r.Metric), q.Metric) {
			continue
		}
		if !q.Since.IsZero() && r.ChangeTime.Before(q.Since) {
			continue
		}
		return r.ID
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
