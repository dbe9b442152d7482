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
	// given as the platform's channel id ("C024BE91L" on Slack, a
	// snowflake on Discord; "#name" on the console, whose channels have no
	// other id). It is never matched against a channel's name, which
	// anyone who may create a channel can choose.
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
	if a.Channel != "" && a.Channel != ev.Channel {
		return false
	}
	return a.Service != "" || a.Channel != ""
}

// mayDecide reports whether the event's user may decide on a record of
// service, from the channel the event came from, and when not, why, as a
// clause that completes "Sorry, you can't approve P-6: …". With no rule
// covering the service and channel, nobody may: approvals must be
// configured. It fails closed: when the user's groups could not be looked
// up (ev.GroupsErr), no rule admits them by group.
func mayDecide(rules []ApproverRule, service string, ev Event) (ok bool, why string) {
	covered, groupsUnknown := false, false
	for _, a := range rules {
		if !a.applies(service, ev) {
			continue
		}
		covered = true
		if slices.Contains(a.Users, ev.User) {
			return true, ""
		}
		if len(a.Groups) == 0 {
			continue
		}
		if ev.GroupsErr != "" {
			groupsUnknown = true
			continue
		}
		if slices.ContainsFunc(ev.Groups, func(g string) bool { return slices.Contains(a.Groups, g) }) {
			return true, ""
		}
	}
	switch {
	case !covered:
		return false, "no approvers are configured for " + record(service) + " in this channel"
	case groupsUnknown:
		return false, "I could not check your user groups (" + ev.GroupsErr + "); try again in a minute"
	}
	return false, "you are not an approver of " + record(service) + " in this channel"
}

// record names the records of service in a refusal.
func record(service string) string {
	if service == "" {
		return "this record"
	}
	return "service " + service
}

// ApproverMentions are the chat mentions of who may decide on records of
// service in channel (a platform's channel id) of platform, for a
// reminder: each user as "<@U…>", each group as the platform writes a
// group mention (Slack "<!subteam^S…>", Discord "<@&…>"; elsewhere by its
// id), each once, in the order the rules name them.
func (c *Core) ApproverMentions(platform, channel, service string) []string {
	var out []string
	add := func(m string) {
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	for _, a := range c.o.Approvers {
		if !a.applies(service, Event{Channel: channel}) {
			continue
		}
		for _, u := range a.Users {
			add("<@" + u + ">")
		}
		for _, g := range a.Groups {
			switch platform {
			case "slack":
				add("<!subteam^" + g + ">")
			case "discord":
				add("<@&" + g + ">")
			default:
				add(g)
			}
		}
	}
	return out
}
