package eval

import (
	"bytes"
	"context"
	"testing"

	"github.com/wattson-dev/wattson/detector/funcdetect"
	"github.com/wattson-dev/wattson/detector/funcsynth"
)

func TestFunctionsMeetsTargets(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and scores ~10,000 profiles")
	}
	dir := t.TempDir()
	cfg := funcsynth.Config{Seed: 7, PerEffect: 4, PerNuisance: 4}
	if _, err := funcsynth.Generate(dir, cfg); err != nil {
		t.Fatal(err)
	}
	rep, err := Functions(context.Background(), dir, funcdetect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	rep.WriteTable(&b)
	t.Log("\n" + b.String())
	fn, svc := rep.Recall(0.5)
	if fn < 0.9 {
		t.Errorf("function-level recall for effects >= 0.5%% = %.2f, want >= 0.9", fn)
	}
	if svc >= fn {
		t.Errorf("service-level recall %.2f is not below the function level's %.2f: the set does not test what it should", svc, fn)
	}
	if hr, _ := rep.Share(0.5); hr < 0.9 {
		t.Errorf("share-of-profile recall for effects >= 0.5%% = %.2f, want >= 0.9", hr)
	}
	if fa, _ := rep.NuisanceAlarms(); fa > 1 {
		t.Errorf("false alarms on nuisances = %.2f per 100 service-days, want <= 1", fa)
	}
	if _, ha := rep.Share(0.5); ha > 1 {
		t.Errorf("share-of-profile false alarms on nuisances = %.2f per 100 service-days, want <= 1", ha)
	}
}
