// Package corpustest writes the offense corpus the project's tests score
// with package offenseeval (and `wattson eval offense --corpus`): small Go
// modules, each a git repository with a planted inefficiency (or none),
// tests that check its behaviour, a benchmark of its hot path, and a real
// CPU profile captured by running that benchmark under the profiler.
package corpustest

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// module is one case: its name (service and module), source, tests and
// what is planted in it.
type module struct {
	name, src, test string
	planted         []map[string]string
}

var modules = []module{
	{name: "skus", planted: plant("skus.Valid", "regexp-compile-per-call"), src: `package skus

import "regexp"

// Valid reports whether s is a SKU: three capitals, a dash, four digits.
func Valid(s string) bool {
	return regexp.MustCompile(` + "`^[A-Z]{3}-[0-9]{4}$`" + `).MatchString(s)
}
`, test: `package skus

import "testing"

func TestValid(t *testing.T) {
	for s, want := range map[string]bool{"ABC-1234": true, "abc-1234": false, "ABC1234": false, "ABC-12345": false, "": false} {
		if got := Valid(s); got != want {
			t.Errorf("Valid(%q) = %v, want %v", s, got, want)
		}
	}
}

func BenchmarkValid(b *testing.B) {
	ss := []string{"ABC-1234", "XYZ-0001", "bad", "QQQ-9999"}
	for i := range b.N {
		Valid(ss[i%len(ss)])
	}
}
`},
	{name: "csvline", planted: plant("csvline.Line", "fmt-string-building"), src: `package csvline

// Line joins fields with commas.
func Line(fields []string) string {
	s := ""
	for _, f := range fields {
		s += f + ","
	}
	return s
}
`, test: `package csvline

import (
	"fmt"
	"testing"
)

func TestLine(t *testing.T) {
	if got := Line([]string{"a", "bc", ""}); got != "a,bc,," {
		t.Errorf("Line = %q", got)
	}
	if got := Line(nil); got != "" {
		t.Errorf("Line(nil) = %q", got)
	}
}

func BenchmarkLine(b *testing.B) {
	var fs []string
	for i := range 200 {
		fs = append(fs, fmt.Sprint("field", i))
	}
	b.ResetTimer()
	for range b.N {
		Line(fs)
	}
}
`},
	{name: "squares", planted: plant("squares.Squares", "growth-without-presize"), src: `package squares

// Squares returns the square of each value.
func Squares(xs []int) []int {
	var out []int
	for _, x := range xs {
		out = append(out, x*x)
	}
	return out
}
`, test: `package squares

import (
	"slices"
	"testing"
)

func TestSquares(t *testing.T) {
	if got := Squares([]int{1, -2, 3}); !slices.Equal(got, []int{1, 4, 9}) {
		t.Errorf("Squares = %v", got)
	}
	if got := Squares(nil); len(got) != 0 {
		t.Errorf("Squares(nil) = %v", got)
	}
}

func BenchmarkSquares(b *testing.B) {
	xs := make([]int, 4096)
	for i := range xs {
		xs[i] = i
	}
	b.ResetTimer()
	for range b.N {
		Squares(xs)
	}
}
`},
	{name: "deadline", planted: plant("deadline.Expired", "time-now-in-loop"), src: `package deadline

import "time"

// Expired counts the deadlines already past.
func Expired(ds []time.Time) int {
	n := 0
	for _, d := range ds {
		if time.Now().After(d) {
			n++
		}
	}
	return n
}
`, test: `package deadline

import (
	"testing"
	"time"
)

func TestExpired(t *testing.T) {
	now := time.Now()
	ds := []time.Time{now.Add(-time.Hour), now.Add(time.Hour), now.Add(-time.Minute)}
	if got := Expired(ds); got != 2 {
		t.Errorf("Expired = %d, want 2", got)
	}
}

func BenchmarkExpired(b *testing.B) {
	now := time.Now()
	ds := make([]time.Time, 512)
	for i := range ds {
		ds[i] = now.Add(time.Duration(i-256) * time.Hour)
	}
	b.ResetTimer()
	for range b.N {
		Expired(ds)
	}
}
`},
	{name: "prefix", planted: plant("prefix.Match", "regexp-compile-per-call"), src: `package prefix

import "regexp"

// Match reports whether s is an id of kind: "<kind>-" and digits. The
// pattern depends on kind, so it cannot simply move to a package-level var.
func Match(kind, s string) bool {
	return regexp.MustCompile("^" + regexp.QuoteMeta(kind) + "-[0-9]+$").MatchString(s)
}
`, test: `package prefix

import "testing"

func TestMatch(t *testing.T) {
	if !Match("order", "order-12") || Match("order", "user-12") || Match("a.b", "axb-1") {
		t.Error("Match is wrong")
	}
}

func BenchmarkMatch(b *testing.B) {
	for i := range b.N {
		Match("order", "order-"+string(rune('0'+i%10)))
	}
}
`},
	{name: "checksum", src: `package checksum

// Sum is an Adler-32 checksum of b.
func Sum(b []byte) uint32 {
	var a, c uint32 = 1, 0
	for _, x := range b {
		a = (a + uint32(x)) % 65521
		c = (c + a) % 65521
	}
	return c<<16 | a
}
`, test: `package checksum

import "testing"

func TestSum(t *testing.T) {
	if got := Sum([]byte("Wikipedia")); got != 0x11E60398 {
		t.Errorf("Sum = %#x", got)
	}
}

func BenchmarkSum(b *testing.B) {
	buf := make([]byte, 4096)
	for range b.N {
		Sum(buf)
	}
}
`},
}

func plant(fn, pattern string) []map[string]string {
	return []map[string]string{{"function": "example.com/corpus/" + fn, "pattern": pattern}}
}

// Write writes the corpus (only the named cases, when names are given)
// under a new temporary directory and returns it. Each case's profile is
// its benchmark run for benchtime under the CPU profiler.
func Write(t testing.TB, benchtime time.Duration, names ...string) string {
	t.Helper()
	root := t.TempDir()
	for _, m := range modules {
		if len(names) == 0 || slices.Contains(names, m.name) {
			writeCase(t, filepath.Join(root, m.name), m, benchtime)
		}
	}
	return root
}

func writeCase(t testing.TB, dir string, m module, benchtime time.Duration) {
	t.Helper()
	repo := filepath.Join(dir, "repo")
	files := map[string]string{
		"go.mod":            "module example.com/corpus/" + m.name + "\n\ngo 1.22\n",
		m.name + ".go":      m.src,
		m.name + "_test.go": m.test,
	}
	if err := os.MkdirAll(repo, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(repo, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run(t, repo, "git", "init", "--quiet", "--initial-branch=main")
	run(t, repo, "git", "add", ".")
	run(t, repo, "git", "-c", "user.name=Corpus", "-c", "user.email=corpus@example.com", "commit", "--quiet", "-m", "feat: "+m.name)
	profiles := filepath.Join(dir, "profiles", m.name)
	if err := os.MkdirAll(profiles, 0o755); err != nil {
		t.Fatal(err)
	}
	prof := filepath.Join(profiles, time.Now().UTC().Format(time.RFC3339)+".pb.gz")
	run(t, repo, "go", "test", "-trimpath", "-run=^$", "-bench=.", "-benchtime="+benchtime.String(), "-cpuprofile="+prof, "-o", filepath.Join(dir, "bench.test"), ".")
	if err := os.Remove(filepath.Join(dir, "bench.test")); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	planted := m.planted
	if planted == nil {
		planted = []map[string]string{}
	}
	b, _ := json.Marshal(map[string]any{"service": m.name, "planted": planted})
	if err := os.WriteFile(filepath.Join(dir, "case.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func run(t testing.TB, dir, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GIT_CONFIG_NOSYSTEM=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}
