package funcsynth

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/detector/prom"
)

func TestGenerateLayoutAndTruth(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Seed: 3, Points: 30, Step: time.Minute, Functions: 8, Effects: []float64{1}, PerEffect: 1, PerNuisance: 1}
	truth, err := Generate(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(truth.Cases) != 1+len(NuisanceKinds) {
		t.Fatalf("%d cases", len(truth.Cases))
	}
	back, err := ReadTruth(dir)
	if err != nil || !reflect.DeepEqual(back.Cases, truth.Cases) {
		t.Fatalf("truth read back differs: %v", err)
	}
	for _, c := range truth.Cases {
		files, _ := filepath.Glob(filepath.Join(dir, c.Service, "*.pb.gz"))
		if len(files) != cfg.Points {
			t.Errorf("%s: %d profiles, want %d", c.Service, len(files), cfg.Points)
		}
		series, err := prom.ReadFile(filepath.Join(dir, "requests", c.Service+".json"))
		if err != nil || len(series) != 1 || len(series[0].Values) != cfg.Points {
			t.Errorf("%s: requests %v, %v", c.Service, len(series), err)
		}
		if c.Kind != KindNone && c.Kind != KindTrafficMix && c.Function == "" {
			t.Errorf("%s: no function named", c.Service)
		}
	}
	// The same seed gives the same data.
	dir2 := t.TempDir()
	if _, err := Generate(dir2, cfg); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(truth.Cases[0].Service, truth.Start.Format(time.RFC3339)+".pb.gz")
	a, _ := os.ReadFile(filepath.Join(dir, name))
	b, _ := os.ReadFile(filepath.Join(dir2, name))
	if len(a) == 0 || string(a) != string(b) {
		t.Error("a seed did not reproduce its profiles")
	}
}
