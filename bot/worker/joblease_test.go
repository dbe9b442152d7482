package bot

import (
	"encoding/json"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wattson-dev/wattson/store"
)

// TestJobRunsOnceWhileHeld: a job the queue hands to a second replica
// while its first holder still runs it (a slow job, not a dead replica) is
// not run again; once the holder's lease lapses (it died), it is.
func TestJobRunsOnceWhileHeld(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	o := f.bot.o
	o.Owner, o.Registerer = "replica-b", prometheus.NewRegistry()
	other, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(investigateJob{Question: Question{Service: "checkout", Trigger: store.TriggerCommand},
		Where: store.ThreadRef{Platform: "test", Channel: "#perf"}, Key: "job-1"})
	id, err := f.st.Enqueue(ctx, JobInvestigate, payload)
	if err != nil {
		t.Fatal(err)
	}
	release, held, err := f.bot.holdJob(ctx, id)
	if err != nil || !held {
		t.Fatalf("first holder: held %v, err %v", held, err)
	}
	other.work(ctx, store.Job{ID: id, Kind: JobInvestigate, Payload: payload, Attempts: 2})
	if invs, _ := f.st.ListInvestigations(ctx, store.ListOptions{}); len(invs) != 0 {
		t.Fatalf("the second replica ran a held job: %+v", invs)
	}
	release()
	if _, held, _ := other.holdJob(ctx, id); !held {
		t.Fatal("a released job cannot be taken")
	}

	// A holder that dies stops renewing; its lease lapses.
	if _, held, _ := f.bot.holdJob(ctx, "2-0"); !held {
		t.Fatal("a new job cannot be taken")
	}
	if _, held, _ := other.holdJob(ctx, "2-0"); held {
		t.Fatal("a job held by a live replica was taken")
	}
	f.clock.add(f.bot.jobLeaseTTL() + 1)
	if _, held, _ := other.holdJob(ctx, "2-0"); !held {
		t.Fatal("a dead replica's job cannot be taken after its lease lapsed")
	}
}
