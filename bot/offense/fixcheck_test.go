package offense_test

import (
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/bottest"
	"github.com/wattson-dev/wattson/bot/digest"
	"github.com/wattson-dev/wattson/bot/offense"
	"github.com/wattson-dev/wattson/store"
)

const couponFunc = "example.com/shop/api.validCoupon"

var couponPrint = store.OpportunityFingerprint("checkout", couponFunc, "regexp-compile-per-call")

// mergedFix offers one checkout opportunity with a fix proposal, marks the
// fix merged by Wattson at the fixture's now (noon) and returns the
// opportunity.
func mergedFix(t *testing.T, f *bottest.Fixture) store.Opportunity {
	t.Helper()
	ctx := t.Context()
	fresh, err := f.Offense.OfferOpportunities(ctx, "checkout", []offense.Offer{{
		Opportunity: store.Opportunity{Fingerprint: couponPrint, Function: couponFunc, File: "/src/shop/api/coupon.go", Lines: "12",
			Pattern: "regexp-compile-per-call", CPUShare: 0.3, Cores: 2, Watts: 20, Suggestion: "Compile the pattern once."},
		Fix: &store.Proposal{Title: "perf: compile the regexp in api.validCoupon once", Repo: "acme/shop"},
	}})
	if err != nil || len(fresh) != 1 {
		t.Fatalf("offer: %v, %d new", err, len(fresh))
	}
	p, err := f.Store.GetProposal(ctx, fresh[0].ProposalID)
	if err != nil {
		t.Fatal(err)
	}
	p.Status, p.DecidedBy, p.DecidedAt = store.ProposalMerged, "UALICE", f.Clock.Now()
	if err := f.Store.UpdateProposal(ctx, p); err != nil {
		t.Fatal(err)
	}
	o, err := f.Store.GetOpportunity(ctx, fresh[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	posts, _ := f.Chat.Snapshot()
	if o.Thread != posts[0].Ref || o.Status != store.OpportunityProposed {
		t.Fatalf("offered %+v, want proposed with the thread %+v", o, posts[0].Ref)
	}
	return *o
}

// scanAt is a scan of profiles captured from oldest to newest hours after
// noon, that found the coupon pattern at found (not at all when 0) and
// measured it at measured.
func scanAt(oldest, newest int, found, measured float64) offense.ScanReport {
	noon := time.Date(2025, 6, 4, 12, 0, 0, 0, time.UTC)
	r := offense.ScanReport{Found: map[string]float64{}, Measured: map[string]float64{},
		Oldest: noon.Add(time.Duration(oldest) * time.Hour), Newest: noon.Add(time.Duration(newest) * time.Hour)}
	if found > 0 {
		r.Found[couponPrint] = found
	}
	if measured > 0 {
		r.Measured[couponPrint] = measured
	}
	return r
}

// checkFixes runs the fix check of checkout on each bot at once.
func checkFixes(t *testing.T, sc offense.ScanReport, bots ...*bottest.Fixture) {
	t.Helper()
	var wg sync.WaitGroup
	for _, b := range bots {
		wg.Go(func() {
			if _, err := b.Offense.CheckFixes(t.Context(), "checkout", sc); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

func TestFixVerifiedOnceByLaterScan(t *testing.T) {
	for name, pair := range bottest.Pairs() {
		t.Run(name, func(t *testing.T) {
			f, other := pair(t, bottest.New(t, bottest.Options{}))
			ctx := t.Context()
			o := mergedFix(t, f)
			posts, _ := f.Chat.Snapshot()

			// Profiles from before the merge say nothing about the fix.
			checkFixes(t, scanAt(-2, 1, 0, 0), f, other)
			if got, _ := f.Store.GetOpportunity(ctx, o.ID); got.Status != store.OpportunityProposed || len(f.NewPosts(len(posts))) != 0 {
				t.Fatalf("after a scan reaching back before the merge: %s, posts %+v; want nothing", got.Status, f.NewPosts(len(posts)))
			}

			f.Clock.Add(3 * time.Hour)
			checkFixes(t, scanAt(1, 2, 0, 0.006), f, other)
			checkFixes(t, scanAt(2, 3, 0, 0), f, other) // the next scan: already fixed
			got := f.NewPosts(len(posts))
			if len(got) != 1 {
				t.Fatalf("posts %+v, want the fix told once", got)
			}
			if got[0].Thread != o.Thread.MessageID || got[0].Ref.Channel != "#checkout-perf" {
				t.Errorf("told in %s thread %q, want the opportunity's thread %+v", got[0].Ref.Channel, got[0].Thread, o.Thread)
			}
			for _, want := range []string{"fix for O-1 took", "`api.validCoupon` was 30% of CPU before P-1 merged and is 0.6% now", "saves ≈ 1.96 cores ≈ 19.6 W", "O-1 is fixed"} {
				if !strings.Contains(got[0].Msg.Text, want) {
					t.Errorf("message %q lacks %q", got[0].Msg.Text, want)
				}
			}
			fixed, err := f.Store.GetOpportunity(ctx, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			if fixed.Status != store.OpportunityFixed || !fixed.FixedAt.Equal(f.Clock.Now()) || fixed.FixedShare != 0.006 ||
				round(fixed.SavedCores, 6) != 1.96 || round(fixed.SavedWatts, 6) != 19.6 {
				t.Errorf("stored %+v, want fixed now with 0.6%% left, 1.96 cores and 19.6 W saved", fixed)
			}
			evs, _ := f.Store.ListAudit(ctx, o.ID, 0)
			if bottest.CountAction(evs, offense.FixTook) != 1 || !strings.Contains(evs[len(evs)-1].Detail, "P-1: 30% → 0.6% of CPU") {
				t.Errorf("audit %+v, want one %s", evs, offense.FixTook)
			}

			d, err := f.Digests.Compute(ctx, "#checkout-perf", f.Clock.Now(), digest.DigestPeriod)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Verified) != 1 || round(d.VerifiedCores, 6) != 1.96 || round(d.VerifiedWatts, 6) != 19.6 || round(d.Cores, 6) != 1.96 {
				t.Errorf("digest verified %d fixes, %g cores, %g W, recovered %g cores; want O-1's measured 1.96 cores, 19.6 W",
					len(d.Verified), d.VerifiedCores, d.VerifiedWatts, d.Cores)
			}
			m := digest.DigestMessage(d, nil)
			if v := fieldValue(m, "Fixes verified"); v != "1 (O-1): 1.96 cores ≈ 19.6 W saved, measured in later profiles" {
				t.Errorf("digest field Fixes verified = %q", v)
			}
			later, err := f.Digests.Compute(ctx, "#checkout-perf", f.Clock.Now().Add(2*digest.DigestPeriod), digest.DigestPeriod)
			if err != nil || len(later.Verified) != 0 || round(later.Cores, 6) != 1.96 {
				t.Errorf("digest two days on: %d verified, %g cores recovered, %v; want none verified, the saving still counted", len(later.Verified), later.Cores, err)
			}
		})
	}
}

func TestFixNotTakenToldOnce(t *testing.T) {
	f, other := bottest.SharedStore(t, bottest.New(t, bottest.Options{}))
	ctx := t.Context()
	o := mergedFix(t, f)
	posts, _ := f.Chat.Snapshot()
	f.Clock.Add(6 * time.Hour)

	checkFixes(t, scanAt(1, 2, 0.29, 0.29), f, other)
	checkFixes(t, scanAt(1, 2, 0.29, 0.29), f) // the same profiles again: still one scan
	if got := f.NewPosts(len(posts)); len(got) != 0 {
		t.Fatalf("posts after one scan since the merge %+v, want none yet", got)
	}
	checkFixes(t, scanAt(2, 3, 0.29, 0.29), f, other)
	checkFixes(t, scanAt(3, 4, 0.31, 0.31), f, other)
	got := f.NewPosts(len(posts))
	if len(got) != 1 || got[0].Thread != o.Thread.MessageID ||
		!strings.Contains(got[0].Msg.Text, "still 29% of CPU in `api.validCoupon` after P-1 merged (30% before)") {
		t.Fatalf("posts %+v, want one 'did not take' in the opportunity's thread", got)
	}
	stored, _ := f.Store.GetOpportunity(ctx, o.ID)
	if stored.Status != store.OpportunityProposed || !stored.FixedAt.IsZero() {
		t.Errorf("opportunity %+v, want it left proposed", stored)
	}
	evs, _ := f.Store.ListAudit(ctx, o.ID, 0)
	if bottest.CountAction(evs, offense.FixStillFound) != 2 || bottest.CountAction(evs, offense.FixNotTaken) != 1 {
		t.Errorf("audit %+v, want two scans still finding it (none recorded once told) and one %s", evs, offense.FixNotTaken)
	}

	// A later fix (a second change, say) that removes the pattern is still
	// recognised.
	checkFixes(t, scanAt(5, 6, 0, 0), f, other)
	got = f.NewPosts(len(posts))
	if len(got) != 2 || !strings.Contains(got[1].Msg.Text, "no longer occurs there. It saves ≈ 2 cores ≈ 20 W") {
		t.Fatalf("posts %+v, want the fix told once it took", got)
	}
}

func TestFixToldUnderCardWithoutStoredThread(t *testing.T) {
	f := bottest.New(t, bottest.Options{})
	ctx := t.Context()
	o := mergedFix(t, f)
	o.Thread = store.ThreadRef{} // posted before threads were stored
	if err := f.Store.UpdateOpportunity(ctx, &o); err != nil {
		t.Fatal(err)
	}
	posts, _ := f.Chat.Snapshot()
	card := posts[len(posts)-1]
	f.Clock.Add(3 * time.Hour)
	checkFixes(t, scanAt(1, 2, 0, 0), f)
	got := f.NewPosts(len(posts))
	if len(got) != 1 || got[0].Thread != card.Ref.MessageID {
		t.Fatalf("posts %+v, want the fix told under the proposal card %s", got, card.Ref.MessageID)
	}
}

func TestFixOfOtherServiceOrUnmergedNotChecked(t *testing.T) {
	f := bottest.New(t, bottest.Options{})
	ctx := t.Context()
	o := mergedFix(t, f)
	p, _ := f.Store.GetProposal(ctx, o.ProposalID)
	p.Status = store.ProposalApproved
	if err := f.Store.UpdateProposal(ctx, p); err != nil {
		t.Fatal(err)
	}
	f.Clock.Add(3 * time.Hour)
	checkFixes(t, scanAt(1, 2, 0, 0), f)
	if _, err := f.Offense.CheckFixes(ctx, "search", scanAt(1, 2, 0, 0)); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.Store.GetOpportunity(ctx, o.ID); got.Status != store.OpportunityProposed {
		t.Errorf("opportunity %s with an unmerged fix, want proposed", got.Status)
	}
}

// fieldValue is the value of m's field name, or "".
func fieldValue(m bot.Message, name string) string {
	for _, fl := range m.Fields {
		if fl.Name == name {
			return fl.Value
		}
	}
	return ""
}

func TestFixedPatternComesBack(t *testing.T) {
	for name, pair := range bottest.Pairs() {
		t.Run(name, func(t *testing.T) {
			f, other := pair(t, bottest.New(t, bottest.Options{}))
			ctx := t.Context()
			o := mergedFix(t, f)
			f.Clock.Add(3 * time.Hour)
			checkFixes(t, scanAt(1, 2, 0, 0.006), f, other)
			fixedAt := f.Clock.Now()
			posts, _ := f.Chat.Snapshot()

			// Profiles reaching back before the fix was judged say nothing.
			checkFixes(t, scanAt(2, 4, 0.25, 0.25), f, other)
			f.Clock.Add(3 * time.Hour)
			checkFixes(t, scanAt(4, 5, 0.25, 0.25), f, other)
			checkFixes(t, scanAt(4, 5, 0.25, 0.25), f) // the same profiles: still one scan
			if got := f.NewPosts(len(posts)); len(got) != 0 {
				t.Fatalf("posts after one scan finding it again %+v, want none yet", got)
			}
			checkFixes(t, scanAt(5, 6, 0.27, 0.27), f, other)
			checkFixes(t, scanAt(6, 7, 0.27, 0.27), f, other) // open now: nothing more to say
			got := f.NewPosts(len(posts))
			if len(got) != 1 || got[0].Thread != o.Thread.MessageID {
				t.Fatalf("posts %+v, want the return told once in the opportunity's thread", got)
			}
			for _, want := range []string{"The pattern is back", "`api.validCoupon` is 27% of CPU again on 2 scans since O-1 was judged fixed (0.6% after P-1 merged)", "O-1 is open again: ≈ 1.8 cores ≈ 18 W"} {
				if !strings.Contains(got[0].Msg.Text, want) {
					t.Errorf("message %q lacks %q", got[0].Msg.Text, want)
				}
			}
			back, err := f.Store.GetOpportunity(ctx, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			if back.Status != store.OpportunityOpen || back.ProposalID != "" || !back.ReturnedAt.Equal(f.Clock.Now()) ||
				!back.FixedAt.Equal(fixedAt) || back.CPUShare != 0.27 || round(back.Cores, 6) != 1.8 {
				t.Errorf("stored %+v, want open with no proposal, returned now, fixed at %v kept, 27%% and 1.8 cores", back, fixedAt)
			}
			evs, _ := f.Store.ListAudit(ctx, o.ID, 0)
			if bottest.CountAction(evs, offense.FixFoundAgain) != 2 || bottest.CountAction(evs, offense.FixReturned) != 1 {
				t.Errorf("audit %+v, want two scans finding it again and one %s", evs, offense.FixReturned)
			}
			d, err := f.Digests.Compute(ctx, "#checkout-perf", f.Clock.Now(), digest.DigestPeriod)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Verified) != 0 || d.Cores != 0 || d.MWh <= 0 {
				t.Errorf("digest: %d verified, %g cores in force, %g MWh; want none verified or in force, the energy saved before the return counted",
					len(d.Verified), d.Cores, d.MWh)
			}
			if v := fieldValue(digest.DigestMessage(d, nil), "Fixes that came back"); v != "O-1 (regexp-compile-per-call in `api.validCoupon`, 27% of CPU again)" {
				t.Errorf("digest field Fixes that came back = %q", v)
			}

			// The next scans propose the fix again, once, in the thread.
			offer := []offense.Offer{{
				Opportunity: store.Opportunity{Fingerprint: couponPrint, Function: couponFunc, Pattern: "regexp-compile-per-call", CPUShare: 0.27, Cores: 1.8, Watts: 18},
				Fix:         &store.Proposal{Title: "perf: compile the regexp in api.validCoupon once", Repo: "acme/shop"},
			}}
			checkOffers(t, offer, f, other)
			checkOffers(t, offer, f)
			again, _ := f.Store.GetOpportunity(ctx, o.ID)
			ps, _ := f.Store.ListProposals(ctx, store.ListOptions{})
			if again.Status != store.OpportunityProposed || again.ProposalID != "P-2" || len(ps) != 2 {
				t.Fatalf("opportunity %+v with %d proposals, want proposed with one new fix P-2", again, len(ps))
			}
			got = f.NewPosts(len(posts))
			if len(got) != 2 || got[1].Thread != o.Thread.MessageID {
				t.Errorf("posts %+v, want the new fix's card in the opportunity's thread", got)
			}
		})
	}
}

func round(x float64, digits int) float64 {
	return math.Round(x*math.Pow(10, float64(digits))) / math.Pow(10, float64(digits))
}
