package bot

import "testing"

func TestMayDecide(t *testing.T) {
	rules := []ApproverRule{
		{Service: "checkout", Users: []string{"UALICE"}, Groups: []string{"SPERF"}},
		{Channel: "C024BE91L", Users: []string{"UCAROL"}},
		{Service: "shiprate", Channel: "C024BE91L", Groups: []string{"SSHIP"}},
	}
	in := func(channel, name string, ev Event) Event {
		ev.Channel, ev.ChannelName = channel, name
		return ev
	}
	for _, tc := range []struct {
		name    string
		rules   []ApproverRule
		service string
		ev      Event
		ok      bool
		why     string
	}{
		{"named user", rules, "checkout", in("CANY", "", Event{User: "UALICE"}), true, ""},
		{"group member", rules, "checkout", in("CANY", "", Event{User: "UBOB", Groups: []string{"SPERF"}}), true, ""},
		{"channel rule by id", rules, "search", in("C024BE91L", "perf", Event{User: "UCAROL"}), true, ""},
		{"service in channel, by group", rules, "shiprate", in("C024BE91L", "", Event{User: "UDAN", Groups: []string{"SSHIP"}}), true, ""},
		{"service names match in any case", rules, "Checkout", in("CANY", "", Event{User: "UALICE"}), true, ""},

		{"not named", rules, "checkout", in("CANY", "", Event{User: "UMALLORY"}), false,
			"you are not an approver of service checkout in this channel"},
		{"in another group", rules, "checkout", in("CANY", "", Event{User: "UMALLORY", Groups: []string{"SOTHER"}}), false,
			"you are not an approver of service checkout in this channel"},
		{"nothing configured for the service here", rules, "search", in("CANY", "", Event{User: "UALICE"}), false,
			"no approvers are configured for service search in this channel"},
		{"no rules at all", nil, "checkout", in("CANY", "", Event{User: "UALICE"}), false,
			"no approvers are configured for service checkout in this channel"},
		{"a record without a service", rules, "", in("CANY", "", Event{User: "UALICE"}), false,
			"no approvers are configured for this record in this channel"},
		// A channel rule names a channel id; a channel whose name spells
		// that id is another channel.
		{"channel name spelling the rule's id", rules, "search", in("CEVIL", "c024be91l", Event{User: "UCAROL"}), false,
			"no approvers are configured for service search in this channel"},
		{"channel name equal to the rule's id", rules, "search", in("CEVIL", "C024BE91L", Event{User: "UCAROL"}), false,
			"no approvers are configured for service search in this channel"},
		{"rule by #name does not match the readable name", []ApproverRule{{Channel: "#checkout-perf", Users: []string{"UALICE"}}}, "checkout",
			in("CCHECKOUT", "checkout-perf", Event{User: "UALICE"}), false,
			"no approvers are configured for service checkout in this channel"},
		// A failed group lookup admits nobody by group, and says so; a
		// user named by id is still admitted.
		{"groups unknown", rules, "checkout", in("CANY", "", Event{User: "UBOB", GroupsErr: "Slack said missing_scope"}), false,
			"I could not check your user groups (Slack said missing_scope); try again in a minute"},
		{"groups unknown, stale groups ignored", rules, "checkout", in("CANY", "", Event{User: "UBOB", Groups: []string{"SPERF"}, GroupsErr: "Slack said ratelimited"}), false,
			"I could not check your user groups (Slack said ratelimited); try again in a minute"},
		{"groups unknown, named user", rules, "checkout", in("CANY", "", Event{User: "UALICE", GroupsErr: "Slack said missing_scope"}), true, ""},
		{"groups unknown, named by a later rule", []ApproverRule{{Service: "checkout", Groups: []string{"SPERF"}}, {Service: "checkout", Users: []string{"UBOB"}}}, "checkout",
			in("CANY", "", Event{User: "UBOB", GroupsErr: "x"}), true, ""},
		{"groups unknown, no rule names groups", rules, "search", in("C024BE91L", "", Event{User: "UMALLORY", GroupsErr: "x"}), false,
			"you are not an approver of service search in this channel"},
		{"console channel id is its #name", []ApproverRule{{Channel: "#checkout-perf", Users: []string{"UALICE"}}}, "checkout",
			in("#checkout-perf", "checkout-perf", Event{User: "UALICE"}), true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, why := mayDecide(tc.rules, tc.service, tc.ev)
			if ok != tc.ok || why != tc.why {
				t.Fatalf("mayDecide = %v, %q; want %v, %q", ok, why, tc.ok, tc.why)
			}
		})
	}
}
