package skillstest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Scenario is a complete, self-made CPU regression case: a repository
// whose deploy from From to To contains Culprit (empty for a traffic-mix
// case), a deploy log, saved metrics and before/after profiles.
type Scenario struct {
	Service     string
	Module      string
	RepoDir     string
	ProfilesDir string
	DeploysFile string
	CPUFile     string
	BuildInfo   string
	From, To    string
	Culprit     string
	// Commits are the deploy's commits, oldest first.
	Commits    []string
	ChangeTime time.Time
}

const cartV1 = `package cart

// Store holds items.
type Store struct {
	byID  map[string]int
	items []Item
}

// Item is a product.
type Item struct {
	ID    string
	Price int
}

// Lookup finds an item by id.
func (s *Store) Lookup(id string) (Item, bool) {
	i, ok := s.byID[id] // LOOKUP-MAP
	if !ok {
		return Item{}, false
	}
	return s.items[i], true
}

// Total sums prices.
func (s *Store) Total(ids []string) int {
	t := 0
	for _, id := range ids {
		it, ok := s.Lookup(id) // TOTAL-CALL
		if ok {
			t += it.Price // TOTAL-ADD
		}
	}
	return t
}

// Labels describes every item.
func (s *Store) Labels() []string {
	var out []string
	for _, it := range s.items {
		out = append(out, describe(it))
	}
	return out
}

func describe(it Item) string {
	return it.ID
}
`

// Build makes the scenario under t.TempDir(). With trafficMix the after
// profile has the same shape as the before profile (more work per request,
// no code path slower) and there is no culprit.
func Build(t testing.TB, trafficMix bool) Scenario {
	t.Helper()
	return build(t, trafficMix, 0)
}

// BuildLate is Build's culprit case with the deploy lag before the step in
// the CPU metric: the metric stays flat for lag after the new revision
// rolled out, so no deploy explains the step and Culprit is empty. The
// after profile still shows the deploy's slower code, as it would when
// something else (data, traffic) made that code expensive later.
func BuildLate(t testing.TB, lag time.Duration) Scenario {
	t.Helper()
	return build(t, false, lag)
}

func build(t testing.TB, trafficMix bool, lag time.Duration) Scenario {
	sc := Scenario{Service: "shop", Module: "example.com/shop"}
	r := NewRepo(t)
	sc.RepoDir = r.Dir
	sc.From = r.Commit("feat: cart store", map[string]string{
		"go.mod": "module example.com/shop\n\ngo 1.22\n", "internal/cart/cart.go": cartV1, "README.md": "# shop\n",
	})
	v2 := strings.ReplaceAll(cartV1, "describe", "label")
	add := func(id string) { sc.Commits = append(sc.Commits, id) }
	add(r.Commit("docs: explain the cart", map[string]string{"README.md": "# shop\n\nA cart.\n"}))
	add(r.Commit("refactor: rename describe to label", map[string]string{"internal/cart/cart.go": v2}))
	v3 := strings.Replace(v2, `	i, ok := s.byID[id] // LOOKUP-MAP
	if !ok {
		return Item{}, false
	}
	return s.items[i], true`, `	for _, it := range s.items { // LOOKUP-SCAN
		if it.ID == id { // LOOKUP-CMP
			return it, true
		}
	}
	return Item{}, false`, 1)
	msg := "refactor(cart): keep items in one slice"
	if trafficMix {
		v3 = strings.Replace(v2, "	return it.ID\n", "	return strings.TrimSpace(it.ID)\n", 1)
		v3 = strings.Replace(v3, "package cart\n", "package cart\n\nimport \"strings\"\n", 1)
		msg = "fix(cart): trim item ids in labels"
	}
	culprit := r.Commit(msg, map[string]string{"internal/cart/cart.go": v3})
	add(culprit)
	v4 := strings.Replace(v3, "	var out []string\n", "	out := make([]string, 0, len(s.items))\n", 1)
	add(r.Commit("perf(cart): presize labels", map[string]string{"internal/cart/cart.go": v4}))
	sc.To = sc.Commits[len(sc.Commits)-1]
	if !trafficMix && lag == 0 {
		sc.Culprit = culprit
	}

	dir := t.TempDir()
	start := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	sc.ChangeTime = start.Add(36 * time.Hour)
	deployed := sc.ChangeTime.Add(-lag)
	deploys := []map[string]string{
		{"time": start.Add(-2 * time.Hour).Format(time.RFC3339), "revision": sc.From, "version": "v1.0.0", "environment": "production"},
		{"time": deployed.Format(time.RFC3339), "revision": sc.To, "version": "v1.1.0", "environment": "production"},
	}
	sc.DeploysFile = writeJSON(t, dir, "deploys.json", deploys)
	sc.CPUFile, sc.BuildInfo = writeMetrics(t, dir, sc, start, deployed, 30)
	sc.ProfilesDir = filepath.Join(dir, "profiles")
	writeProfiles(t, sc, v4, trafficMix, deployed)
	return sc
}

func writeJSON(t testing.TB, dir, name string, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// writeMetrics saves three days of CPU per request at a 60 s step with a
// step of stepPct percent at the change, and the build_info series of a
// rollout starting at deployed, as query_range responses.
func writeMetrics(t testing.TB, dir string, sc Scenario, start, deployed time.Time, stepPct float64) (cpu, info string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	var vals, before, after [][]any
	for ts := start; ts.Before(start.Add(72 * time.Hour)); ts = ts.Add(time.Minute) {
		level := 1e-4
		if !ts.Before(sc.ChangeTime) {
			level = 1e-4 * (1 + stepPct/100)
		}
		v := level * (1 + 0.02*rng.NormFloat64())
		vals = append(vals, []any{ts.Unix(), fmt.Sprintf("%g", v)})
		if ts.Before(deployed.Add(3 * time.Minute)) {
			before = append(before, []any{ts.Unix(), "1"})
		}
		if !ts.Before(deployed) {
			after = append(after, []any{ts.Unix(), "1"})
		}
	}
	resp := func(result []map[string]any) map[string]any {
		return map[string]any{"status": "success", "data": map[string]any{"resultType": "matrix", "result": result}}
	}
	cpu = writeJSON(t, dir, "cpu.json", resp([]map[string]any{{
		"metric": map[string]string{"__name__": "service:cpu_seconds_per_request:rate5m", "service": sc.Service}, "values": vals}}))
	info = writeJSON(t, dir, "build_info.json", resp([]map[string]any{
		{"metric": map[string]string{"__name__": "shop_build_info", "service": sc.Service, "revision": sc.From}, "values": before},
		{"metric": map[string]string{"__name__": "shop_build_info", "service": sc.Service, "revision": sc.To}, "values": after},
	}))
	return cpu, info
}

// writeProfiles saves a before profile (map lookups) and an after profile
// (the linear scan, or the same shape for a traffic-mix case) whose lines
// match the source at the two revisions: the before profile a day ahead of
// the deploy, the after one hours after the step.
func writeProfiles(t testing.TB, sc Scenario, after string, trafficMix bool, deployed time.Time) {
	t.Helper()
	file := sc.Module + "/internal/cart/cart.go"
	pkg := sc.Module + "/internal/cart"
	fr := func(fn, src, marker string, start string) Frame {
		return Frame{Func: pkg + "." + fn, File: file, StartLine: LineOf(t, src, start), Line: LineOf(t, src, marker)}
	}
	main := Frame{Func: "main.main", File: sc.Module + "/cmd/shop/main.go", StartLine: 10, Line: 12}
	gc := Frame{Func: "runtime.gcBgMarkWorker", File: "runtime/mgc.go", StartLine: 1400, Line: 1450}
	mapacc := Frame{Func: "runtime.mapaccess2_faststr", File: "internal/runtime/maps/runtime_faststr.go", StartLine: 100, Line: 120}
	stacksAt := func(src string, scan bool, k int64) []Stack {
		total := fr("(*Store).Total", src, "TOTAL-ADD", "func (s *Store) Total")
		call := fr("(*Store).Total", src, "TOTAL-CALL", "func (s *Store) Total")
		st := []Stack{{Frames: []Frame{total, main}, Count: 40 * k}, {Frames: []Frame{gc}, Count: 30 * k}}
		if scan {
			cmp := fr("(*Store).Lookup", src, "LOOKUP-CMP", "func (s *Store) Lookup")
			loop := fr("(*Store).Lookup", src, "LOOKUP-SCAN", "func (s *Store) Lookup")
			return append(st, Stack{Frames: []Frame{cmp, call, main}, Count: 60}, Stack{Frames: []Frame{loop, call, main}, Count: 30})
		}
		m := fr("(*Store).Lookup", src, "LOOKUP-MAP", "func (s *Store) Lookup")
		return append(st, Stack{Frames: []Frame{m, call, main}, Count: 10 * k}, Stack{Frames: []Frame{mapacc, m, call, main}, Count: 20 * k})
	}
	dir := filepath.Join(sc.ProfilesDir, sc.Service)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(at time.Time, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, at.Format(time.RFC3339)+".pb.gz"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b := deployed.Add(-20 * time.Hour)
	a := sc.ChangeTime.Add(4 * time.Hour)
	write(b, CPUProfile(t, b, stacksAt(cartV1, false, 1)))
	if trafficMix {
		write(a, CPUProfile(t, a, stacksAt(after, false, 2)))
		return
	}
	write(a, CPUProfile(t, a, stacksAt(after, true, 1)))
}
