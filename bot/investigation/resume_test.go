package investigation_test

import (
	"encoding/json"
	"testing"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/bottest"
	"github.com/wattson-dev/wattson/bot/investigation"
	"github.com/wattson-dev/wattson/store"
)

// TestInvestigationResumesAfterReclaim delivers one investigation job as
// the queue does when its first holder died mid-run: the second delivery
// reuses the record and the progress message, and a third (after it
// finished) does nothing.
func TestInvestigationResumesAfterReclaim(t *testing.T) {
	f := bottest.New(t, bottest.Options{})
	ctx := t.Context()
	payload, _ := json.Marshal(investigation.InvestigateJob{Question: bot.Question{Service: "checkout", Trigger: store.TriggerCommand},
		Where: store.ThreadRef{Platform: "test", Channel: "#perf"}, Key: "job-1"})
	// The dead replica's run: a record, a thread head and a progress message.
	var j investigation.InvestigateJob
	_ = json.Unmarshal(payload, &j)
	inv, err := investigation.InvestigationRecord(f.Investigations, ctx, j)
	if err != nil {
		t.Fatal(err)
	}
	head, _ := f.Chat.Post(ctx, "#perf", "", bot.Message{Title: "Investigation " + inv.ID})
	inv.Thread = head
	if _, err := investigation.ProgressMessage(f.Investigations, ctx, f.Chat, inv, head); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := f.Investigations.Run(ctx, store.Job{Payload: payload}); err != nil {
			t.Fatal(err)
		}
	}
	invs, _ := f.Store.ListInvestigations(ctx, store.ListOptions{})
	if len(invs) != 1 || invs[0].Status != store.InvestigationDone {
		t.Fatalf("investigations %+v, want one done", invs)
	}
	posts, _ := f.Chat.Snapshot()
	var heads, progress, findings int
	for _, p := range posts {
		switch {
		case p.Thread == "" && p.Msg.Title == "Investigation "+inv.ID:
			heads++
		case p.Msg.Title == bot.ProgressMessage(inv.ID, nil, false, 0).Title:
			progress++
		case p.Thread == head.MessageID:
			findings++
		}
	}
	if heads != 1 || progress != 1 {
		t.Errorf("%d thread heads and %d progress messages, want 1 each", heads, progress)
	}
	ps, _ := f.Store.ListProposals(ctx, store.ListOptions{})
	if len(ps) != 1 {
		t.Errorf("%d proposals, want 1", len(ps))
	}
}
