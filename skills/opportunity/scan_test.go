package opportunity_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/skills/opportunity"
	"github.com/wattson-dev/wattson/skills/pprofdir"
	"github.com/wattson-dev/wattson/skills/skillstest"
)

// writeProfile stores a synthetic CPU profile of service captured at at.
func writeProfile(t *testing.T, dir *pprofdir.Dir, service string, at time.Time, stacks []skillstest.Stack) {
	t.Helper()
	path := dir.Path(service, at)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, skillstest.CPUProfile(t, at, stacks), 0o644); err != nil {
		t.Fatal(err)
	}
}

// couponStacks is a service that spends compile of its CPU compiling a
// regexp per call in validCoupon and match of it matching one in cheap.
func couponStacks(compile, match, rest int64) []skillstest.Stack {
	const file = "/src/shop/api/coupon.go"
	return []skillstest.Stack{
		{Count: compile, Frames: []skillstest.Frame{{Func: "regexp.MustCompile"}, {Func: "example.com/shop/api.validCoupon", File: file, Line: 12}}},
		{Count: match, Frames: []skillstest.Frame{{Func: "regexp.MatchString"}, {Func: "example.com/shop/api.cheap", File: file, Line: 40}}},
		{Count: rest, Frames: []skillstest.Frame{{Func: "example.com/shop/api.handle", File: file, Line: 70}}},
	}
}

func TestSurveyReportsProfileTimesAndMeasuredShares(t *testing.T) {
	now := time.Date(2025, 6, 5, 12, 0, 0, 0, time.UTC)
	dir := pprofdir.New(t.TempDir())
	writeProfile(t, dir, "shop", now.Add(-30*time.Hour), couponStacks(90, 0, 10)) // outside the window
	writeProfile(t, dir, "shop", now.Add(-2*time.Hour), couponStacks(30, 2, 68))
	writeProfile(t, dir, "shop", now.Add(-time.Hour), couponStacks(30, 2, 68))
	sc := &opportunity.Scanner{Source: dir, Patterns: builtinPatterns(t), Now: func() time.Time { return now },
		Scale: func(string) opportunity.Options { return opportunity.Options{MinShare: 0.05} }}

	got, err := sc.Survey(t.Context(), "shop")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Oldest.Equal(now.Add(-2*time.Hour)) || !got.Newest.Equal(now.Add(-time.Hour)) {
		t.Errorf("profiles read %s to %s, want the two inside the window", got.Oldest, got.Newest)
	}
	if len(got.Findings) != 1 || got.Findings[0].Function != "example.com/shop/api.validCoupon" || got.Findings[0].Share != 0.3 {
		t.Fatalf("findings = %+v, want validCoupon at 30%% only (cheap's 2%% is below the minimum share)", got.Findings)
	}
	shares := map[string]float64{}
	for _, f := range got.Measured {
		shares[f.Function] = f.Share
	}
	if len(shares) != 2 || shares["example.com/shop/api.validCoupon"] != 0.3 || shares["example.com/shop/api.cheap"] != 0.02 {
		t.Errorf("measured = %v, want validCoupon 0.3 and cheap 0.02", shares)
	}
	fs, err := sc.Scan(t.Context(), "shop")
	if err != nil || len(fs) != 1 || fs[0].Function != got.Findings[0].Function {
		t.Errorf("Scan = %+v, %v; want Survey's findings", fs, err)
	}
}

// The collector's background work is no function's, so it is no finding's
// function; it is attributed to the findings by their share of the user
// code's allocation, as what they allocate is why it runs.
func TestBackgroundGCIsAttributedByAllocation(t *testing.T) {
	now := time.Date(2025, 6, 5, 12, 0, 0, 0, time.UTC)
	dir := pprofdir.New(t.TempDir())
	const file = "/src/shop/api/line.go"
	writeProfile(t, dir, "shop", now.Add(-time.Hour), []skillstest.Stack{
		// join concatenates; three quarters of its allocation
		{Count: 30, Frames: []skillstest.Frame{{Func: "runtime.mallocgc"}, {Func: "runtime.concatstrings"}, {Func: "example.com/shop/api.join", File: file, Line: 9}}},
		// a quarter is allocated by other code no pattern matches
		{Count: 10, Frames: []skillstest.Frame{{Func: "runtime.mallocgc"}, {Func: "runtime.newobject"}, {Func: "example.com/shop/api.handle", File: file, Line: 70}}},
		{Count: 40, Frames: []skillstest.Frame{{Func: "runtime.scanobject"}, {Func: "runtime.gcDrain"}, {Func: "runtime.gcBgMarkWorker"}}},
		{Count: 20, Frames: []skillstest.Frame{{Func: "example.com/shop/api.handle", File: file, Line: 72}}},
	})
	sc := &opportunity.Scanner{Source: dir, Patterns: builtinPatterns(t), Now: func() time.Time { return now }}
	got, err := sc.Scan(t.Context(), "shop")
	if err != nil {
		t.Fatal(err)
	}
	shares := map[string]float64{}
	for _, f := range got {
		shares[f.Pattern+" "+f.Function] = f.Share
	}
	want := map[string]float64{
		"fmt-string-building example.com/shop/api.join": 0.6, // 30% its own, 30% of GC work
		"gc-pressure example.com/shop/api.handle":       0.2, // 10% and 10%
	}
	if len(shares) != len(want) || shares["fmt-string-building example.com/shop/api.join"] != 0.6 || shares["gc-pressure example.com/shop/api.handle"] != 0.2 {
		t.Fatalf("findings = %s, want %v", describe(got), want)
	}
}
