package benchcheck

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	slowSrc  = "package p\n\nimport \"regexp\"\n\n// Valid checks a code.\nfunc Valid(s string) bool {\n\treturn regexp.MustCompile(`^[A-Z]{3,8}-?[0-9]{2,4}$`).MatchString(s)\n}\n\n// Other is something else.\nfunc Other(n int) int { return n * 2 }\n"
	fastSrc  = "package p\n\nimport \"regexp\"\n\nvar validRE = regexp.MustCompile(`^[A-Z]{3,8}-?[0-9]{2,4}$`)\n\n// Valid checks a code.\nfunc Valid(s string) bool {\n\treturn validRE.MatchString(s)\n}\n\n// Other is something else.\nfunc Other(n int) int { return n * 2 }\n"
	brokeSrc = "package p\n\n// Valid checks a code.\nfunc Valid(s string) bool { return true }\n\n// Other is something else.\nfunc Other(n int) int { return n * 2 }\n"
	testSrc  = "package p\n\nimport \"testing\"\n\nfunc TestValid(t *testing.T) {\n\tif !Valid(\"SPRING-25\") || Valid(\"x\") {\n\t\tt.Fatal(\"Valid\")\n\t}\n}\n\nfunc BenchmarkValid(b *testing.B) {\n\tfor range b.N {\n\t\tValid(\"SPRING-25\")\n\t}\n}\n\nfunc BenchmarkOther(b *testing.B) {\n\tfor i := range b.N {\n\t\tOther(i)\n\t}\n}\n"
)

func module(t *testing.T, src string, withTests bool) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{"go.mod": "module example.com/m\n\ngo 1.22\n", "p/p.go": src}
	if withTests {
		files["p/p_test.go"] = testSrc
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestGate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and benchmarks a module")
	}
	ctx := context.Background()
	before := module(t, slowSrc, true)
	o := Options{Count: 6, BenchTime: "20ms"}
	for _, tc := range []struct {
		name, after, function string
		tests                 bool
		passed, gain          bool
		failed, noBench       string
	}{
		{name: "a real gain", after: fastSrc, function: "example.com/m/p.Valid", tests: true, passed: true, gain: true},
		{name: "behaviour changed", after: brokeSrc, function: "example.com/m/p.Valid", tests: true, failed: "go test"},
		{name: "does not build", after: "package p\n\nfunc Valid(s string) bool { return undefined }\n", function: "example.com/m/p.Valid", tests: true, failed: "go build"},
		{name: "no benchmark reaches it", after: slowSrc, function: "example.com/m/p.Nowhere", tests: true, passed: true, noBench: "reaches example.com/m/p.Nowhere"},
		{name: "no tests", after: fastSrc, function: "example.com/m/p.Valid", passed: true, noBench: "has no tests"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := before
			if !tc.tests {
				b = module(t, slowSrc, false)
			}
			r, err := Gate(ctx, Change{Before: b, After: module(t, tc.after, tc.tests), Packages: []string{"example.com/m/p"}, Function: tc.function}, o)
			if err != nil {
				t.Fatal(err)
			}
			if r.Passed() != tc.passed {
				t.Fatalf("passed = %v, want %v: %+v", r.Passed(), tc.passed, r.Checks)
			}
			if tc.failed != "" {
				last := r.Checks[len(r.Checks)-1]
				if last.OK || !strings.HasPrefix(last.Command, tc.failed) || last.Output == "" {
					t.Errorf("last check = %+v, want %s failing with its output", last, tc.failed)
				}
				return
			}
			if tc.noBench != "" {
				if len(r.Benchmarks) != 0 || !strings.Contains(r.NoBenchmark, tc.noBench) {
					t.Errorf("benchmarks %+v, no-benchmark %q; want none because %q", r.Benchmarks, r.NoBenchmark, tc.noBench)
				}
				return
			}
			if len(r.Benchmarks) != 1 || !strings.HasPrefix(r.Benchmarks[0].Name, "Valid") {
				t.Fatalf("benchmarks = %+v, want BenchmarkValid only (BenchmarkOther does not reach Valid)", r.Benchmarks)
			}
			bm := r.Benchmarks[0]
			if got := r.Gain() != nil; got != tc.gain {
				t.Errorf("gain = %v, want %v: %+v", got, tc.gain, bm)
			}
			// how much faster depends on the machine's load; that it is
			// faster, significantly, does not
			if bm.N1 != 6 || bm.N2 != 6 || bm.DeltaPct >= 0 || bm.P >= 0.05 {
				t.Errorf("benchmark = %+v, want 6+6 runs, faster with p < 0.05", bm)
			}
		})
	}
}

func TestTable(t *testing.T) {
	got := Table([]Benchmark{
		{Name: "Valid-2", Before: 2e-6, BeforeLo: 1.9e-6, BeforeHi: 2.2e-6, After: 1e-7, AfterLo: 0.9e-7, AfterHi: 1.05e-7, DeltaPct: -95, P: 0.002, Alpha: 0.05, N1: 6, N2: 6},
		{Name: "Other-2", Before: 1e-9, BeforeLo: math.Inf(-1), BeforeHi: math.Inf(1), After: 1e-9, AfterLo: math.Inf(-1), AfterHi: math.Inf(1), DeltaPct: 0.5, P: 0.7, Alpha: 0.05, N1: 5, N2: 5},
	})
	for _, want := range []string{
		"| Valid-2 | 2µs ± 10% | 100ns ± 10% | -95.00% | p=0.002 n=6+6 |",
		"| Other-2 | 1ns ± ∞ | 1ns ± ∞ | ~ | p=0.700 n=5+5 |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table:\n%s\nlacks %q", got, want)
		}
	}
}

func TestLonger(t *testing.T) {
	for in, want := range map[string]string{"100ms": "400ms", "1s": "4s", "50x": "200x", "bogus": "bogus"} {
		if got := longer(in); got != want {
			t.Errorf("longer(%q) = %q, want %q", in, got, want)
		}
	}
}
