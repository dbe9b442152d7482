package skillstest

import "testing"

// BuildAlloc makes a scenario of an allocation-heavy change: the culprit
// makes withBrand split and join every brand, so each lookup allocates.
// Its own samples rise by less than sampling noise; most of the new CPU is
// the runtime's background GC work, which no stack of the service is on.
// The GC work per allocation sample is the same before and after, as the
// collector's cost follows what is allocated. A decoy commit in the same
// deploy rewrites the line of normalize that allocates all along.
func BuildAlloc(t testing.TB) Scenario {
	t.Helper()
	return buildCatalog(t, catalogChange{
		decoy: edit{msg: "refactor(catalog): lower before trimming",
			old: "return strings.ToLower(strings.TrimSpace(id)) // NORM", new: "return strings.TrimSpace(strings.ToLower(id)) // NORM"},
		culprit: edit{msg: "feat(catalog): collapse spaces in brand names",
			old: "	it.Brand = strings.Title(it.Brand) // BRAND",
			new: "	words := strings.Fields(it.Brand) // BRAND-WORDS\n\tit.Brand = strings.Title(strings.Join(words, \" \")) // BRAND"},
		stepPct:  4.5,
		profiles: writeAllocProfiles,
	})
}

// writeAllocProfiles saves profiles where the after one has withBrand
// allocating on the culprit's line and GC work grown in proportion.
func writeAllocProfiles(t testing.TB, sc Scenario, after string) {
	t.Helper()
	f := newFrames(t, sc)
	fr, serve, main, lib := f.fn, f.serve, f.main, f.lib
	gc := f.gc
	base := func(src string) []Stack {
		call := fr(src, "(*Store).Total", "func (s *Store) Total", "TOTAL-CALL")
		at := func(marker string) Frame { return fr(src, "(*Store).Lookup", "func (s *Store) Lookup", marker) }
		with := func(fs ...Frame) []Frame { return append(fs, call, serve, main) }
		norm := fr(src, "normalize", "func normalize", "// NORM")
		brand := fr(src, "withBrand", "func withBrand", "strings.Title(")
		return []Stack{
			{Frames: []Frame{serve, main}, Count: 4200},
			{Frames: []Frame{fr(src, "(*Store).Total", "func (s *Store) Total", "TOTAL-ADD"), serve, main}, Count: 240},
			{Frames: with(lib("runtime.mapaccess2_faststr"), at("LOOKUP-MAP")), Count: 60},
			{Frames: with(lib("strings.ToLower"), norm, at("LOOKUP-NORM")), Count: 60},
			{Frames: with(lib("runtime.mallocgc"), lib("strings.ToLower"), norm, at("LOOKUP-NORM")), Count: 30},
			{Frames: with(fr(src, "valid", "func valid", "// VALID"), at("LOOKUP-VALID")), Count: 60},
			{Frames: with(lib("strings.Title"), brand, at("LOOKUP-BRAND")), Count: 60},
		}
	}
	words := fr(after, "withBrand", "func withBrand", "BRAND-WORDS")
	lookup := fr(after, "(*Store).Lookup", "func (s *Store) Lookup", "LOOKUP-BRAND")
	tail := []Frame{lookup, fr(after, "(*Store).Total", "func (s *Store) Total", "TOTAL-CALL"), serve, main}
	saveProfiles(t, sc, append(base(catalogV1), gc(400)), append(base(after), gc(600),
		Stack{Frames: append([]Frame{lib("runtime.mallocgc"), lib("strings.Fields"), words}, tail...), Count: 15},
		Stack{Frames: append([]Frame{lib("strings.Fields"), words}, tail...), Count: 10},
	))
}
