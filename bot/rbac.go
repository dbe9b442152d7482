package bot

import (
	"slices"
	"strings"
)

// ApproverRule names who may approve, reject, roll back and dismiss for a
// service, a channel, or a service in a channel.
type ApproverRule struct {
	// Service, when set, limits the rule to records of this service.
	Service string
	// Channel, when set, limits the rule to actions taken in this channel,
	// given as its id ("C024BE91L") or name ("#checkout-perf").
	Channel string
	// Users are chat user ids allowed by the rule.
	Users []string
	// Groups are chat group ids (Slack user groups, Discord roles) whose
	// members are allowed by the rule.
	Groups []string
}

// applies reports whether the rule covers service in the event's channel:
// every field the rule sets must match.
func (a ApproverRule) applies(service string, ev Event) bool {
	if a.Service != "" && !strings.EqualFold(a.Service, service) {
		return false
	}
	if a.Channel != "" {
		want := strings.TrimPrefix(a.Channel, "#")
		if want != ev.Channel && !strings.EqualFold(want, ev.ChannelName) {
			return false
		}
	}
	return a.Service != "" || a.Channel != ""
}

// admits reports whether the rule names the user or one of their groups.
func (a ApproverRule) admits(ev Event) bool {
	if slices.Contains(a.Users, ev.User) {
		return true
	}
	return slices.ContainsFunc(ev.Groups, func(g string) bool { return slices.Contains(a.Groups, g) })
}

// mayDecide reports whether the event's user may decide on a record of
// service, from the channel the event came from. With no rule covering the
// service and channel, nobody may: approvals must be configured.
func mayDecide(rules []ApproverRule, service string, ev Event) (ok bool, why string) {
	covered := false
	for _, a := range rules {
		if !a.applies(service, ev) {
			continue
		}
		covered = true
		if a.admits(ev) {
			return true, ""
		}
	}
	if !covered {
		return false, "no approvers are configured for " + orDash(service) + " in this channel"
	}
	return false, "not an approver for " + orDash(service) + " in this channel"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
