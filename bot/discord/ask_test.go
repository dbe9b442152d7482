package discord

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/store"
)

// modalSubmitJSON is user submitting the modal customID with answer in
// its reason input, from the thread (as Discord sends type 5).
func modalSubmitJSON(id, user string, roles []string, customID, thread, answer string) string {
	return mustJSON(map[string]any{
		"id": id, "application_id": testApp, "type": 5, "token": "tok-" + id, "version": 1,
		"guild_id": testGuild, "channel_id": thread,
		"channel": map[string]any{"id": thread, "type": 11, "name": "R-1 thread", "parent_id": testChannel},
		"member":  map[string]any{"user": map[string]any{"id": user}, "roles": roles},
		"data": map[string]any{"custom_id": customID, "components": []any{map[string]any{"type": 1, "components": []any{
			map[string]any{"type": 4, "custom_id": "reason", "value": answer}}}}},
	})
}

// TestQuestions: the clicks that ask first are answered by the adapter and
// never reach the bot; their answers reach it as the click, naming the
// card they were asked about.
func TestQuestions(t *testing.T) {
	for _, tc := range []struct {
		name     string
		body     string
		wantType int    // the response's type; 0: not a question
		wantID   string // the custom_id of the click it stands for (Confirm, or the modal's)
	}{
		{"approve asks to confirm", clickJSON("1", "U1", nil, "wattson?approve:P-1@2", "900", "901"), 4, "wattson:approve:P-1@2:900/901"},
		{"roll back asks to confirm", clickJSON("2", "U1", nil, "wattson?rollback:P-1", "", "901"), 4, "wattson:rollback:P-1:901"},
		{"cancel closes the question", clickJSON("3", "U1", nil, "wattson-cancel", "900", "950"), 7, ""},
		{"reject asks why", clickJSON("4", "U1", nil, "wattson:reject:P-1@2", "900", "901"), 9, "wattson:reject:P-1@2:900/901"},
		{"dismiss asks why", clickJSON("5", "U1", nil, "wattson:dismiss:R-1", "", "900"), 9, "wattson:dismiss:R-1:900"},
		{"investigate acts", clickJSON("6", "U1", nil, "wattson:investigate:R-1", "", "900"), 0, ""},
		{"a confirmed approve acts", clickJSON("7", "U1", nil, "wattson:approve:P-1@2:900/901", "900", "950"), 0, ""},
		{"a command is no question", commandJSON("8", "U1", nil, "status", nil), 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, err := parseInteraction([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			resp, ok := question(in)
			if tc.wantType == 0 {
				if ok {
					t.Fatalf("answered as a question: %+v", resp)
				}
				return
			}
			if !ok || int(resp.Type) != tc.wantType {
				t.Fatalf("response %+v, want type %d", resp, tc.wantType)
			}
			raw := mustJSON(resp)
			if tc.wantID != "" && !strings.Contains(raw, `"custom_id":"`+tc.wantID+`"`) {
				t.Errorf("response %s lacks custom_id %s", raw, tc.wantID)
			}
			if tc.wantType == 4 && (resp.Data.Flags != 64 || !strings.Contains(raw, `"custom_id":"wattson-cancel"`)) {
				t.Errorf("question is not private with a Cancel: %s", raw)
			}
			if tc.wantType == 9 && (len(resp.Data.Title) > maxModal || !strings.Contains(raw, `"custom_id":"reason"`)) {
				t.Errorf("modal %s lacks a reason input or its title is too long", raw)
			}
		})
	}
}

func TestConfirmedClickNamesTheCard(t *testing.T) {
	in, err := parseInteraction([]byte(clickJSON("1", "U1", nil, "wattson:approve:P-1@2:900/901", "900", "950")))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := event(in)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Action != bot.ActionApprove || ev.RecordID != "P-1" || ev.Version != 2 || ev.Thread != "900/901" || ev.Channel != testChannel {
		t.Errorf("event %+v, want approve P-1 v2 on the card 900/901 in the channel", ev)
	}
	sub, err := parseInteraction([]byte(modalSubmitJSON("2", "U1", nil, "wattson:reject:P-1@2:900/901", "900", "  fix forward instead ")))
	if err != nil {
		t.Fatal(err)
	}
	ev, err = event(sub)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Kind != bot.EventButton || ev.Action != bot.ActionReject || ev.Reason != "fix forward instead" || ev.Thread != "900/901" {
		t.Errorf("submission event %+v, want reject P-1 with the reason on card 900/901", ev)
	}
	if _, err := event(must(parseInteraction([]byte(modalSubmitJSON("3", "U1", nil, "wattson:approve:P-1@2", "900", "x"))))); err == nil {
		t.Errorf("a modal for an action that asks no reason was accepted")
	}
}

func must(in interaction, err error) interaction {
	if err != nil {
		panic(err)
	}
	return in
}

// TestDismissAsksWhyThenActs: Alice clicks Dismiss on the alert; Discord
// is answered with a modal and nothing changes. Her submission dismisses
// R-1 with her reason, stored on the record and audited.
func TestDismissAsksWhyThenActs(t *testing.T) {
	e := newEnv(t, 0, nil)
	r, _, err := e.bot.Alert(t.Context(), bot.AlertInput{Regression: testRegression()})
	if err != nil {
		t.Fatal(err)
	}
	thread := r.Thread.MessageID
	code, body := do(t, signed(t, e.url+"/discord/interactions", clickJSON("20", "ALICE", nil, "wattson:dismiss:R-1", "", thread), e.priv, time.Now()))
	data, _ := body["data"].(map[string]any)
	if code != 200 || body["type"] != 9.0 || data["custom_id"] != "wattson:dismiss:R-1:"+thread {
		t.Fatalf("dismiss click: %d %v, want a modal", code, body)
	}
	if got, _ := e.st.GetRegression(t.Context(), r.ID); got.Status != store.RegressionOpen {
		t.Fatalf("R-1 %s before the modal was submitted", got.Status)
	}
	submit := modalSubmitJSON("21", "ALICE", nil, fmt.Sprint(data["custom_id"]), thread, "noisy neighbour")
	if code, body := do(t, signed(t, e.url+"/discord/interactions", submit, e.priv, time.Now())); code != 200 || body["type"] != 6.0 {
		t.Fatalf("submission: %d %v, want a deferred update", code, body)
	}
	got, _ := e.st.GetRegression(t.Context(), r.ID)
	if got.Status != store.RegressionDismissed || got.Reason != "noisy neighbour" {
		t.Fatalf("R-1 %s with reason %q, want dismissed, noisy neighbour", got.Status, got.Reason)
	}
	evs, _ := e.st.ListAudit(t.Context(), r.ID, 0)
	if last := evs[len(evs)-1]; last.Action != "dismiss" || last.Actor != "ALICE" || !strings.Contains(last.Detail, "noisy neighbour") {
		t.Errorf("last audit %+v, want Alice's dismiss with the reason", last)
	}
}
