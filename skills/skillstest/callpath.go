package skillstest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const catalogV1 = `package catalog

import "strings"

// Store holds items.
type Store struct {
	byID  map[string]int
	items []Item
}

// Item is a product.
type Item struct {
	ID, Brand string
	Price     int
}

// Lookup finds an item by id.
func (s *Store) Lookup(id string) (Item, bool) {
	id = normalize(id) // LOOKUP-NORM
	if !valid(id) { // LOOKUP-VALID
		return Item{}, false
	}
	i, ok := s.byID[id] // LOOKUP-MAP
	if !ok {
		return Item{}, false
	}
	return withBrand(s.items[i]), true // LOOKUP-BRAND
}

func normalize(id string) string {
	return strings.ToLower(strings.TrimSpace(id)) // NORM
}

func valid(id string) bool {
	return len(id) > 0 && len(id) < 64 // VALID
}

func withBrand(it Item) Item {
	it.Brand = strings.Title(it.Brand) // BRAND
	return it
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
`

// BuildCallPath makes a scenario of a caller change (N+1): the culprit
// makes Total look every item up again for each item it prices, through
// code it did not change. The new cost is spread over Lookup and its
// helpers, none of which rises beyond sampling noise alone; only the
// cumulative cost under Total, on the call site the culprit wrote, does.
// A decoy commit in the same deploy rewrites a line of a helper that got
// (slightly) slower.
func BuildCallPath(t testing.TB) Scenario {
	t.Helper()
	return buildCatalog(t, catalogChange{
		decoy: edit{msg: "refactor(catalog): simpler id check",
			old: "return len(id) > 0 && len(id) < 64 // VALID", new: "return id != \"\" && len(id) < 64 // VALID"},
		culprit: edit{msg: "feat(catalog): brand bundle discount", old: `		if ok {
			t += it.Price // TOTAL-ADD
		}`, new: `		if !ok {
			continue
		}
		t += it.Price // TOTAL-ADD
		for _, other := range ids { // TOTAL-BUNDLE
			if o, ok := s.Lookup(other); ok && o.Brand == it.Brand && other != id { // TOTAL-PAIR
				t -= o.Price / 100
			}
		}`},
		stepPct:  3.5,
		profiles: writeCallPathProfiles,
	})
}

// edit is a commit that replaces one piece of a file of the catalog
// service (catalogFile when file is empty).
type edit struct{ msg, old, new, file string }

const catalogFile = "internal/catalog/catalog.go"

// catalogChange is a deploy of the catalog service: a decoy commit, the
// culprit, then a docs commit, with a CPU step of stepPct at the deploy
// and the profiles the given function writes for the source after it.
type catalogChange struct {
	decoy, culprit edit
	stepPct        float64
	profiles       func(t testing.TB, sc Scenario, after string)
}

// buildCatalog makes the repository, deploys, metrics and profiles of c.
func buildCatalog(t testing.TB, c catalogChange) Scenario {
	t.Helper()
	sc := Scenario{Service: "shop", Module: "example.com/shop"}
	r := NewRepo(t)
	sc.RepoDir = r.Dir
	files := map[string]string{
		"go.mod": goModV1, catalogFile: catalogV1, cacheFile: cacheV1, manifestFile: manifestV1, "README.md": "# shop\n",
	}
	sc.From = r.Commit("feat: catalog store", files)
	apply := func(e edit) {
		if e.file == "" {
			e.file = catalogFile
		}
		out := strings.Replace(files[e.file], e.old, e.new, 1)
		if out == files[e.file] {
			t.Fatalf("edit %q does not apply", e.msg)
		}
		files[e.file] = out
	}
	add := func(id string) { sc.Commits = append(sc.Commits, id) }
	apply(c.decoy)
	add(r.Commit(c.decoy.msg, files))
	apply(c.culprit)
	culprit := r.Commit(c.culprit.msg, files)
	add(culprit)
	add(r.Commit("docs: catalog", map[string]string{"README.md": "# shop\n\nA catalog.\n"}))
	sc.To, sc.Culprit = sc.Commits[len(sc.Commits)-1], culprit

	dir := t.TempDir()
	start := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	sc.ChangeTime = start.Add(36 * time.Hour)
	sc.DeploysFile = writeJSON(t, dir, "deploys.json", []map[string]string{
		{"time": start.Add(-2 * time.Hour).Format(time.RFC3339), "revision": sc.From, "version": "v1.0.0", "environment": "production"},
		{"time": sc.ChangeTime.Format(time.RFC3339), "revision": sc.To, "version": "v1.1.0", "environment": "production"},
	})
	sc.CPUFile, sc.BuildInfo = writeMetrics(t, dir, sc, start, sc.ChangeTime, c.stepPct)
	sc.ProfilesDir = filepath.Join(dir, "profiles")
	c.profiles(t, sc, files[catalogFile])
	return sc
}

// writeCallPathProfiles saves the before profile at v1 and the after one
// at v3: every function under Lookup gains half of its samples again,
// through the new call site in Total.
func writeCallPathProfiles(t testing.TB, sc Scenario, after string) {
	t.Helper()
	f := newFrames(t, sc)
	fr, serve, main, lib := f.fn, f.serve, f.main, f.lib
	// lookups are the stacks under one call site of Lookup in Total.
	lookups := func(src, callMarker string, n int64) []Stack {
		call := fr(src, "(*Store).Total", "func (s *Store) Total", callMarker)
		at := func(marker string) Frame { return fr(src, "(*Store).Lookup", "func (s *Store) Lookup", marker) }
		tail := []Frame{call, serve, main}
		with := func(fs ...Frame) []Frame { return append(fs, tail...) }
		return []Stack{
			{Frames: with(lib("runtime.mapaccess2_faststr"), at("LOOKUP-MAP")), Count: n},
			{Frames: with(lib("strings.ToLower"), fr(src, "normalize", "func normalize", "// NORM"), at("LOOKUP-NORM")), Count: n},
			{Frames: with(fr(src, "valid", "func valid", "// VALID"), at("LOOKUP-VALID")), Count: n},
			{Frames: with(lib("strings.Title"), fr(src, "withBrand", "func withBrand", "strings.Title("), at("LOOKUP-BRAND")), Count: n},
			{Frames: with(lib("runtime.mallocgc"), fr(src, "withBrand", "func withBrand", "strings.Title("), at("LOOKUP-BRAND")), Count: n / 2},
		}
	}
	base := func(src string) []Stack {
		return append([]Stack{
			{Frames: []Frame{serve, main}, Count: 4200},
			{Frames: []Frame{fr(src, "(*Store).Total", "func (s *Store) Total", "TOTAL-ADD"), serve, main}, Count: 240},
			f.gc(600),
		}, lookups(src, "TOTAL-CALL", 60)...)
	}
	saveProfiles(t, sc, base(catalogV1), append(base(after), lookups(after, "TOTAL-PAIR", 30)...))
}

// saveProfiles writes the before profile a day ahead of the change and
// the after one hours after it, into sc's profile directory.
func saveProfiles(t testing.TB, sc Scenario, before, after []Stack) {
	t.Helper()
	dir := filepath.Join(sc.ProfilesDir, sc.Service)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b, a := sc.ChangeTime.Add(-20*time.Hour), sc.ChangeTime.Add(4*time.Hour)
	for at, stacks := range map[time.Time][]Stack{b: before, a: after} {
		if err := os.WriteFile(filepath.Join(dir, at.Format(time.RFC3339)+".pb.gz"), CPUProfile(t, at, stacks), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// frames makes the frames of the catalog service's profiles.
type frames struct {
	t           testing.TB
	pkg, dir    string
	serve, main Frame
}

func newFrames(t testing.TB, sc Scenario) frames {
	return frames{t: t, pkg: sc.Module + "/internal/catalog", dir: sc.Module + "/internal/catalog/",
		serve: Frame{Func: "main.serve", File: sc.Module + "/cmd/shop/main.go", StartLine: 10, Line: 14},
		main:  Frame{Func: "main.main", File: sc.Module + "/cmd/shop/main.go", StartLine: 20, Line: 22}}
}

// fn is a frame of catalog.go's function fn, declared on the line with
// start, at the line with marker, in src.
func (f frames) fn(src, fn, start, marker string) Frame {
	return f.in("catalog.go", src, fn, start, marker)
}

// in is a frame of function fn in the catalog's file name.
func (f frames) in(name, src, fn, start, marker string) Frame {
	return Frame{Func: f.pkg + "." + fn, File: f.dir + name, StartLine: LineOf(f.t, src, start), Line: LineOf(f.t, src, marker)}
}

// lib is a frame of a library or runtime function.
func (frames) lib(fn string) Frame {
	return Frame{Func: fn, File: "strings/strings.go", StartLine: 100, Line: 110}
}

// gc is n samples of the runtime's background GC work.
func (frames) gc(n int64) Stack {
	return Stack{Frames: []Frame{{Func: "runtime.gcBgMarkWorker", File: "runtime/mgc.go", StartLine: 1400, Line: 1450}}, Count: n}
}
