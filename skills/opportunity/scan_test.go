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
