package digest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/bottest"
	"github.com/wattson-dev/wattson/bot/digest"
	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/periodic"
)

var update = flag.Bool("update", false, "rewrite golden files")

// seedDigest fills the store with a day of checkout regressions, fixes and
// opportunities, plus records elsewhere that the checkout digest must not
// count. The fixture's clock reads 2025-06-04 12:00 UTC.
func seedDigest(t *testing.T, ctx context.Context, st store.Store) {
	t.Helper()
	day := time.Date(2025, 6, 4, 0, 0, 0, 0, time.UTC)
	reg := func(n int, service, channel string, change, detected time.Time, status store.RegressionStatus, resolved time.Time) string {
		r := store.Regression{Fingerprint: "fp-" + string(rune('a'+n)), Service: service, Metric: "cpu", Channel: channel,
			ChangeTime: change, DetectedAt: detected, Status: status, ResolvedAt: resolved}
		if _, err := st.CreateRegressionIfNew(ctx, &r); err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	h := time.Hour
	r1 := reg(1, "checkout", "#checkout-perf", day, day.Add(30*time.Minute), store.RegressionResolved, day.Add(150*time.Minute))
	reg(2, "checkout", "#checkout-perf", day.Add(5*h), day.Add(5*h+10*time.Minute), store.RegressionDismissed, day.Add(6*h))
	r3 := reg(3, "checkout", "#checkout-perf", day.Add(8*h), day.Add(9*h), store.RegressionResolved, day.Add(11*h))
	reg(4, "search", "#perf", day.Add(2*h), day.Add(3*h), store.RegressionOpen, time.Time{})
	reg(5, "checkout", "#checkout-perf", day.Add(-50*h), day.Add(-48*h), store.RegressionOpen, time.Time{})
	out, _ := json.Marshal(map[string]float64{"extra_cores": 30})
	inv := store.Investigation{RegressionID: r1, Trigger: store.TriggerAlert, Status: store.InvestigationDone,
		Steps: []store.Step{{Skill: "estimate_impact", Output: out}}, FinishedAt: day.Add(h),
		Suspects: []store.Suspect{{Commit: "abc", Title: "the culprit"}}}
	if err := st.CreateInvestigation(ctx, &inv); err != nil {
		t.Fatal(err)
	}
	opp := func(n int, service, pattern, fn string, cores float64, status store.OpportunityStatus) string {
		o := store.Opportunity{Fingerprint: store.OpportunityFingerprint(service, fn, pattern), Service: service, Function: fn,
			Pattern: pattern, Cores: cores, Watts: cores * 10, CPUShare: 0.1, Status: status, FoundAt: day.Add(-time.Duration(n) * h)}
		if _, err := st.CreateOpportunityIfNew(ctx, &o); err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	opp(1, "checkout", "regexp-compile-per-call", "checkout.validate", 2, store.OpportunityOpen)
	o2 := opp(2, "checkout", "json-per-request", "checkout.render", 15, store.OpportunityFixed)
	opp(3, "checkout", "growth-without-presize", "checkout.collect", 0.5, store.OpportunityOpen)
	opp(4, "search", "gc-pressure", "search.rank", 9, store.OpportunityOpen)
	prop := func(p store.Proposal) {
		status, decided := p.Status, p.DecidedAt
		if err := st.CreateProposal(ctx, &p); err != nil {
			t.Fatal(err)
		}
		p.Status, p.DecidedAt = status, decided
		if err := st.UpdateProposal(ctx, &p); err != nil {
			t.Fatal(err)
		}
	}
	prop(store.Proposal{Kind: store.ProposalRevert, RegressionID: r1, Title: "Revert abc", Status: store.ProposalMerged, DecidedAt: day.Add(2 * h),
		ProposedAt: day.Add(h), MergedAt: day.Add(2 * h), InvestigationID: inv.ID})
	prop(store.Proposal{Kind: store.ProposalFix, OpportunityID: o2, Title: "Cache render", Status: store.ProposalMerged, DecidedAt: day.Add(-36 * h)})
	prop(store.Proposal{Kind: store.ProposalRevert, RegressionID: r3, Title: "Revert def", Status: store.ProposalProposed, ProposedAt: day.Add(10 * h)})
	prop(store.Proposal{Kind: store.ProposalFix, Title: "Pool buffers (asked by a person)", Status: store.ProposalMerged, DecidedAt: day.Add(6 * h)})
}

func TestDigestNumbersOnSeededStore(t *testing.T) {
	f := bottest.New(t, bottest.Options{})
	ctx := t.Context()
	seedDigest(t, ctx, f.Store)
	now := f.Clock.Now()
	d, err := f.Digests.Compute(ctx, "#checkout-perf", now, digest.DigestPeriod)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	check("caught", d.Caught, 3)
	check("resolved", d.Resolved, 2)
	check("dismissed", d.Dismissed, 1)
	rt := d.Response
	check("detect median", rt.Detect.Median, 30*time.Minute)
	check("detect p90", rt.Detect.P90, time.Hour)
	check("detect worst", rt.Detect.Worst, time.Hour)
	check("culprit", rt.Culprit, digest.Spread{N: 1, Median: 30 * time.Minute, P90: 30 * time.Minute, Worst: 30 * time.Minute})
	check("proposal median", rt.Proposal.Median, 45*time.Minute)
	check("proposal p90", rt.Proposal.P90, time.Hour)
	check("mitigate", rt.Mitigate, digest.Spread{N: 1, Median: 90 * time.Minute, P90: 90 * time.Minute, Worst: 90 * time.Minute})
	check("recover", rt.Recover, digest.Spread{N: 2, Median: 2 * time.Hour, P90: 2 * time.Hour, Worst: 2 * time.Hour})
	check("waiting", len(d.Waiting), 1)
	check("cores", d.Cores, 45.0)
	check("watts", d.Watts, 450.0)
	// 30 cores for the 10 h since the revert, 15 for the whole 24 h.
	check("MWh", round(d.MWh, 6), round((30*10*10+15*10*24)/1e6, 6))
	check("by wattson", d.ByWattson, 1)
	check("by people", d.ByPeople, 0)
	check("top", len(d.Top), 2)
	check("top first", d.Top[0].Function, "checkout.validate")
	check("week points", len(d.Week), 7)
	check("week start", d.Week[0].V, 0.0)
	check("week end", d.Week[6].V, 45.0)

	all, err := f.Digests.Compute(ctx, "", now, digest.DigestPeriod)
	if err != nil {
		t.Fatal(err)
	}
	check("all caught", all.Caught, 4)
	check("all by people", all.ByPeople, 1)
	check("all by wattson", all.ByWattson, 1)
	check("all top", len(all.Top), 3)

	chart := digest.WeekChart(d)
	if _, err := png.Decode(bytes.NewReader(chart)); err != nil {
		t.Fatalf("week chart is not a PNG: %v", err)
	}
	golden(t, "digest.golden", renderText(digest.DigestMessage(d, chart)))
}

func TestDigestOnDemandAndScheduled(t *testing.T) {
	f := bottest.New(t, bottest.Options{})
	ctx := t.Context()
	seedDigest(t, ctx, f.Store)
	m := f.Bot.Handle(ctx, bot.Event{Kind: bot.EventCommand, Platform: "test", Channel: "C1", ChannelName: "checkout-perf", User: "U1", Text: "digest"})
	if !strings.Contains(m.Title, "#checkout-perf") || m.Image == nil {
		t.Errorf("/wattson digest in #checkout-perf: %q, image %v", m.Title, m.Image != nil)
	}
	job := f.Digests.Job("0 9 * * *", nil, []string{"#checkout-perf", "#perf"})
	tick := f.Clock.Now().Truncate(time.Hour)
	for _, owner := range []string{"replica-1", "replica-2"} { // the second replica firing on the same tick does nothing
		r := periodic.New(f.Store, periodic.Options{Owner: owner, Prefix: "periodic/", Now: f.Clock.Now})
		if _, err := r.RunTick(ctx, job, tick); err != nil {
			t.Fatal(err)
		}
	}
	posts, _ := f.Chat.Snapshot()
	if len(posts) != 2 || posts[0].Ref.Channel != "#checkout-perf" || posts[1].Ref.Channel != "#perf" {
		t.Fatalf("scheduled digest posts: %+v", posts)
	}
	if !strings.Contains(posts[1].Msg.Title, "#perf") || posts[1].Msg.Fields[0].Value != "1 (0 resolved, 0 dismissed)" {
		t.Errorf("#perf digest: %+v", posts[1].Msg)
	}
}

func round(x float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	return float64(int64(x*p+0.5)) / p
}

// renderText renders a message as plain text for golden files.
func renderText(m bot.Message) string {
	var b strings.Builder
	b.WriteString("# " + m.Title + "\n")
	for _, f := range m.Fields {
		b.WriteString(f.Name + ": " + f.Value + "\n")
	}
	b.WriteString(m.Text + "\n")
	if m.Image != nil {
		b.WriteString("[image " + m.Image.Name + ": " + m.Image.Alt + "]\n")
	}
	b.WriteString("-- " + m.Footer + "\n")
	return b.String()
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update): %v", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run with -update to accept):\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}
