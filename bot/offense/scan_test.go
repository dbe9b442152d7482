package offense_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/bot/bottest"
	"github.com/wattson-dev/wattson/bot/digest"
	"github.com/wattson-dev/wattson/bot/offense"
	"github.com/wattson-dev/wattson/skills/library"
	"github.com/wattson-dev/wattson/skills/opportunity"
	"github.com/wattson-dev/wattson/skills/pprofdir"
	"github.com/wattson-dev/wattson/skills/skillmd"
	"github.com/wattson-dev/wattson/skills/skillstest"
	"github.com/wattson-dev/wattson/store"
)

func TestOffersMakeOpportunitiesAndFixProposals(t *testing.T) {
	fs := []opportunity.Finding{
		{Service: "checkout", Pattern: "regexp-compile-per-call", Function: "shop.validEmail", File: "/src/shop/email.go",
			Lines: []int{12, 13, 14, 20}, Share: 0.31, Cores: 1.2, Watts: 12, Suggestion: "Compile the pattern once.",
			Fix: &opportunity.Fix{Title: "perf: compile the regexp in {function} once", Body: "{function} ({file}:{lines}) compiles a regexp per call."}},
		{Service: "checkout", Pattern: "gc-pressure", Function: "shop.handle", Share: 0.12, Cores: 0.4, Watts: 4, Suggestion: "Allocate less."},
	}
	tests := []struct {
		name     string
		target   offense.Target
		wantRepo string
	}{
		{"github", offense.Target{Service: "checkout", Repo: "acme/shop"}, "acme/shop"},
		{"local clone", offense.Target{Service: "checkout", Repo: "/src/shop"}, "/src/shop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := offense.Offers(tt.target, fs)
			if len(got) != 2 {
				t.Fatalf("%d offers, want 2", len(got))
			}
			o, fix := got[0].Opportunity, got[0].Fix
			if o.Fingerprint != store.OpportunityFingerprint("checkout", "shop.validEmail", "regexp-compile-per-call") ||
				o.Service != "checkout" || o.Lines != "12-14,20" || o.CPUShare != 0.31 || o.Cores != 1.2 || o.Watts != 12 {
				t.Errorf("opportunity = %+v", o)
			}
			if fix == nil {
				t.Fatal("no fix proposal for a mechanical pattern")
			}
			if fix.Kind != store.ProposalFix || fix.Target != "shop.validEmail" || fix.Repo != tt.wantRepo ||
				fix.Title != "perf: compile the regexp in shop.validEmail once" ||
				!strings.HasPrefix(fix.Body, "shop.validEmail (/src/shop/email.go:12-14,20) compiles") ||
				!strings.HasSuffix(fix.Body, "Compile the pattern once.") {
				t.Errorf("fix = %+v", fix)
			}
			if got[1].Fix != nil {
				t.Errorf("a pattern without a mechanical fix got a proposal: %+v", got[1].Fix)
			}
			if got[0].Opportunity.Fingerprint == got[1].Opportunity.Fingerprint {
				t.Error("two findings share a fingerprint")
			}
		})
	}
}

// writeCouponProfile stores a CPU profile of checkout captured at at, in
// which api.validCoupon spends compile of every 100 samples compiling a
// regexp.
func writeCouponProfile(t *testing.T, dir *pprofdir.Dir, at time.Time, compile int64) {
	t.Helper()
	const file = "/src/shop/api/coupon.go"
	stacks := []skillstest.Stack{
		{Count: compile, Frames: []skillstest.Frame{{Func: "regexp.MustCompile"}, {Func: "example.com/shop/api.validCoupon", File: file, Line: 12}}},
		{Count: 100 - compile, Frames: []skillstest.Frame{{Func: "example.com/shop/api.handle", File: file, Line: 70}}},
	}
	path := dir.Path("checkout", at)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, skillstest.CPUProfile(t, at, stacks), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestScanVerifiesMergedFix drives the scheduled scan over a profile
// directory: it offers the regexp opportunity with a fix proposal, says
// nothing while the profiles it reads reach back before the fix merged,
// and once all of them were captured after it finds the pattern below the
// minimum share, marks the opportunity fixed and tells its thread once.
func TestScanVerifiesMergedFix(t *testing.T) {
	f := bottest.New(t, bottest.Options{})
	ctx, st := t.Context(), f.Store
	advance := f.Clock.Add
	lib, probs := skillmd.Load(library.FS(), ".", "built-in")
	pats, perrs := opportunity.LoadPatterns(lib)
	if len(perrs) > 0 || len(probs) > 0 {
		t.Fatalf("built-in patterns: %v %v", perrs, probs)
	}
	dir := pprofdir.New(t.TempDir())
	targets := []offense.Target{{Service: "checkout", Profiles: dir, Instances: 10, Repo: "acme/shop"}}
	scan := func() {
		t.Helper()
		if err := f.Offense.Scan(ctx, targets, offense.ScanOptions{Patterns: pats, WattsPerCore: 10, MinShare: 0.05, Now: f.Clock.Now}); err != nil {
			t.Fatal(err)
		}
	}
	snapshot := func() []bottest.Post { posts, _ := f.Chat.Snapshot(); return posts }

	writeCouponProfile(t, dir, f.Clock.Now().Add(-2*time.Hour), 30)
	writeCouponProfile(t, dir, f.Clock.Now().Add(-time.Hour), 30)
	scan()
	o, err := st.GetOpportunity(ctx, "O-1")
	if err != nil {
		t.Fatalf("first scan stored no opportunity: %v", err)
	}
	if o.Status != store.OpportunityProposed || o.CPUShare != 0.3 || o.Thread.MessageID == "" {
		t.Fatalf("opportunity %+v, want proposed at 30%% with its thread", o)
	}
	p, err := st.GetProposal(ctx, o.ProposalID)
	if err != nil {
		t.Fatal(err)
	}
	p.Status, p.DecidedBy, p.DecidedAt = store.ProposalMerged, "UALICE", f.Clock.Now()
	if err := st.UpdateProposal(ctx, p); err != nil {
		t.Fatal(err)
	}
	offered := len(snapshot())

	// One profile since the merge, read with the two before it: too soon.
	advance(2 * time.Hour)
	writeCouponProfile(t, dir, f.Clock.Now().Add(-time.Hour), 1)
	scan()
	if got, _ := st.GetOpportunity(ctx, o.ID); got.Status != store.OpportunityProposed || len(snapshot()) != offered {
		t.Fatalf("after a scan of profiles from before and after the merge: %s, %d posts; want nothing said", got.Status, len(snapshot())-offered)
	}

	// Five profiles since the merge: the scan reads only those.
	advance(4 * time.Hour)
	for h := 4; h >= 1; h-- {
		writeCouponProfile(t, dir, f.Clock.Now().Add(-time.Duration(h)*time.Hour+30*time.Minute), 1)
	}
	scan()
	scan() // the next scheduled scan: already fixed
	posts := snapshot()[offered:]
	if len(posts) != 1 || posts[0].Thread != o.Thread.MessageID ||
		!strings.Contains(posts[0].Msg.Text, "`api.validCoupon` was 30% of CPU before "+p.ID+" merged and is 1% now") {
		t.Fatalf("posts %+v, want the fix told once in the opportunity's thread", posts)
	}
	fixed, err := st.GetOpportunity(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := o.Cores * (1 - 0.01/0.3)
	if fixed.Status != store.OpportunityFixed || fixed.FixedShare != 0.01 || fixed.SavedCores < want*0.999 || fixed.SavedCores > want*1.001 {
		t.Errorf("opportunity %+v, want fixed with 1%% left and %g cores saved", fixed, want)
	}
	d, err := f.Digests.Compute(ctx, "#checkout-perf", f.Clock.Now(), digest.DigestPeriod)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Verified) != 1 || d.VerifiedCores != fixed.SavedCores {
		t.Errorf("digest verified %d fixes saving %g cores, want O-1's %g", len(d.Verified), d.VerifiedCores, fixed.SavedCores)
	}
}
