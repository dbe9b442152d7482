package bot

import (
	"encoding/json"
	"testing"

	"github.com/wattson-dev/wattson/store"
)

// TestInvestigationResumesAfterReclaim delivers one investigation job as
// the queue does when its first holder died mid-run: the second delivery
// reuses the record and the progress message, and a third (after it
// finished) does nothing.
func TestInvestigationResumesAfterReclaim(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	payload, _ := json.Marshal(investigateJob{Question: Question{Service: "checkout", Trigger: store.TriggerCommand},
		Where: store.ThreadRef{Platform: "test", Channel: "#perf"}, Key: "job-1"})
	// The dead replica's run: a record, a thread head and a progress message.
	var j investigateJob
	_ = json.Unmarshal(payload, &j)
	inv, err := f.bot.investigationRecord(ctx, j)
	if err != nil {
		t.Fatal(err)
	}
	head, _ := f.chat.Post(ctx, "#perf", "", Message{Title: "Investigation " + inv.ID})
	inv.Thread = head
	if _, err := f.bot.progressMessage(ctx, f.chat, inv, head); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := f.bot.runInvestigation(ctx, payload); err != nil {
			t.Fatal(err)
		}
	}
	invs, _ := f.st.ListInvestigations(ctx, store.ListOptions{})
	if len(invs) != 1 || invs[0].Status != store.InvestigationDone {
		t.Fatalf("investigations %+v, want one done", invs)
	}
	posts, _ := f.chat.snapshot()
	var heads, progress, findings int
	for _, p := range posts {
		switch {
		case p.thread == "" && p.msg.Title == "Investigation "+inv.ID:
			heads++
		case p.msg.Title == ProgressMessage(inv.ID, nil, false, 0).Title:
			progress++
		case p.thread == head.MessageID:
			findings++
		}
	}
	if heads != 1 || progress != 1 {
		t.Errorf("%d thread heads and %d progress messages, want 1 each", heads, progress)
	}
	ps, _ := f.st.ListProposals(ctx, store.ListOptions{})
	if len(ps) != 1 {
		t.Errorf("%d proposals, want 1", len(ps))
	}
}
