package skillstest

import "testing"

// SlowerFunction is the function BuildFunction's culprit slows.
const SlowerFunction = "example.com/shop/internal/catalog.normalize"

// BuildFunction makes a scenario of a regression found in one function's
// profiles over time, too small for the service's total: the culprit makes
// normalize fold case twice. Between the two profiles the investigation
// reads, normalize's rise is within sampling noise (the detector saw it in
// many); the service's CPU steps by a fraction of its noise. A decoy
// commit in the same deploy rewrites another helper's line.
func BuildFunction(t testing.TB) Scenario {
	t.Helper()
	return buildCatalog(t, catalogChange{
		decoy: edit{msg: "refactor(catalog): simpler id check",
			old: "return len(id) > 0 && len(id) < 64 // VALID", new: "return id != \"\" && len(id) < 64 // VALID"},
		culprit: edit{msg: "fix(catalog): fold case in unicode ids",
			old: "return strings.ToLower(strings.TrimSpace(id)) // NORM",
			new: "return strings.ToLower(strings.ToUpper(strings.TrimSpace(id))) // NORM"},
		stepPct: 0.4,
		profiles: func(t testing.TB, sc Scenario, after string) {
			t.Helper()
			f := newFrames(t, sc)
			stacks := func(src string, norm int64) []Stack {
				call := f.fn(src, "(*Store).Total", "func (s *Store) Total", "TOTAL-CALL")
				at := func(marker string) Frame { return f.fn(src, "(*Store).Lookup", "func (s *Store) Lookup", marker) }
				with := func(fs ...Frame) []Frame { return append(fs, call, f.serve, f.main) }
				return []Stack{
					{Frames: []Frame{f.serve, f.main}, Count: 4200},
					{Frames: with(f.lib("runtime.mapaccess2_faststr"), at("LOOKUP-MAP")), Count: 60},
					{Frames: with(f.lib("strings.ToLower"), f.fn(src, "normalize", "func normalize", "// NORM"), at("LOOKUP-NORM")), Count: norm},
					{Frames: with(f.fn(src, "valid", "func valid", "// VALID"), at("LOOKUP-VALID")), Count: 60},
					f.gc(400),
				}
			}
			saveProfiles(t, sc, stacks(catalogV1, 60), stacks(after, 82))
		},
	})
}
