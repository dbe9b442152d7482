package skillstest

import "testing"

// The catalog service's files that hold settings rather than hot code.
const (
	cacheFile    = "internal/catalog/cache.go"
	manifestFile = "deploy/shop.yaml"
	goModV1      = "module example.com/shop\n\ngo 1.22\n\nrequire example.com/fastjson v1.2.0\n"
	cacheV1      = `package catalog

import "time"

// DefaultTTL is how long a loaded price stays cached.
const DefaultTTL = 10 * time.Minute // TTL

type priceCache struct {
	ttl time.Duration
	at  map[string]time.Time
	v   map[string]int
}

func (c *priceCache) get(id string) int {
	if t, ok := c.at[id]; ok && time.Since(t) < c.ttl { // CACHE-HIT
		return c.v[id]
	}
	v := loadPrice(id) // CACHE-LOAD
	c.at[id], c.v[id] = time.Now(), v
	return v
}

func loadPrice(id string) int {
	h := 0
	for _, r := range id { // LOAD-HASH
		h = h*31 + int(r)
	}
	return h % 1000
}
`
	manifestV1 = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  template:
    spec:
      containers:
      - name: shop
        image: shop:latest
        env:
        - name: GOGC
          value: "100"
        resources:
          limits:
            cpu: "2"
`
)

// Setting names a scenario whose culprit changes a setting, not the code
// of the function that got slower.
type Setting string

// The setting scenarios.
const (
	// SettingTTL: a cache's default TTL drops from minutes to seconds, so
	// the loader behind it runs on most lookups; its code is untouched.
	SettingTTL Setting = "ttl"
	// SettingGOGC: the manifest lowers GOGC, so the collector runs four
	// times as often; what is allocated is unchanged. The decoy rewrites
	// the line that allocates.
	SettingGOGC Setting = "gogc"
	// SettingDependency: a go.mod bump makes the JSON decoder a lookup
	// calls slower.
	SettingDependency Setting = "dependency"
)

// BuildSetting makes the scenario of kind: a deploy of a decoy commit to
// the catalog's code, then the commit that changes the setting, then docs.
func BuildSetting(t testing.TB, kind Setting) Scenario {
	t.Helper()
	valid := edit{msg: "refactor(catalog): simpler id check",
		old: "return len(id) > 0 && len(id) < 64 // VALID", new: "return id != \"\" && len(id) < 64 // VALID"}
	c := catalogChange{decoy: valid, profiles: settingProfiles(kind)}
	switch kind {
	case SettingTTL:
		c.culprit = edit{msg: "feat(catalog): fresher prices", file: cacheFile,
			old: "const DefaultTTL = 10 * time.Minute // TTL", new: "const DefaultTTL = 5 * time.Second // TTL"}
		c.stepPct = 5
	case SettingGOGC:
		c.decoy = edit{msg: "refactor(catalog): lower before trimming",
			old: "return strings.ToLower(strings.TrimSpace(id)) // NORM", new: "return strings.TrimSpace(strings.ToLower(id)) // NORM"}
		c.culprit = edit{msg: "ops: smaller heap for shop", file: manifestFile, old: `value: "100"`, new: `value: "25"`}
		c.stepPct = 12
	case SettingDependency:
		c.culprit = edit{msg: "build(deps): bump example.com/fastjson to v1.3.0", file: "go.mod",
			old: "example.com/fastjson v1.2.0", new: "example.com/fastjson v1.3.0"}
		c.stepPct = 4
	default:
		t.Fatalf("unknown setting scenario %q", kind)
	}
	return buildCatalog(t, c)
}

// settingProfiles writes profiles where, after the change, the cache's
// loader (ttl), the GC workers (gogc) or the JSON decoder (dependency)
// take more samples.
func settingProfiles(kind Setting) func(t testing.TB, sc Scenario, after string) {
	return func(t testing.TB, sc Scenario, after string) {
		t.Helper()
		f := newFrames(t, sc)
		serve, main, lib := f.serve, f.main, f.lib
		fr := func(src, name, fn, start, marker string) Frame { return f.in(name, src, fn, start, marker) }
		stacks := func(src string, loads, hits, decodes, gc int64) []Stack {
			at := func(marker string) Frame {
				return fr(src, "catalog.go", "(*Store).Lookup", "func (s *Store) Lookup", marker)
			}
			with := func(fs ...Frame) []Frame {
				return append(fs, fr(src, "catalog.go", "(*Store).Total", "func (s *Store) Total", "TOTAL-CALL"), serve, main)
			}
			norm := fr(src, "catalog.go", "normalize", "func normalize", "// NORM")
			get := func(marker string) Frame {
				return fr(cacheV1, "cache.go", "(*priceCache).get", "func (c *priceCache) get", marker)
			}
			decode := Frame{Func: "example.com/fastjson.(*Decoder).Decode", File: "example.com/fastjson@v1/decode.go", StartLine: 40, Line: 52}
			return []Stack{
				{Frames: []Frame{serve, main}, Count: 4200},
				{Frames: []Frame{fr(src, "catalog.go", "(*Store).Total", "func (s *Store) Total", "TOTAL-ADD"), serve, main}, Count: 240},
				{Frames: with(lib("runtime.mapaccess2_faststr"), at("LOOKUP-MAP")), Count: 60},
				{Frames: with(decode, at("LOOKUP-MAP")), Count: decodes},
				{Frames: with(lib("strings.ToLower"), norm, at("LOOKUP-NORM")), Count: 60},
				{Frames: with(lib("runtime.mallocgc"), lib("strings.ToLower"), norm, at("LOOKUP-NORM")), Count: 30},
				{Frames: with(fr(src, "catalog.go", "valid", "func valid", "// VALID"), at("LOOKUP-VALID")), Count: 60},
				{Frames: []Frame{get("CACHE-HIT"), serve, main}, Count: hits},
				{Frames: []Frame{fr(cacheV1, "cache.go", "loadPrice", "func loadPrice", "LOAD-HASH"), get("CACHE-LOAD"), serve, main}, Count: loads},
				f.gc(gc),
			}
		}
		before := stacks(catalogV1, 20, 200, 100, 400)
		var a []Stack
		switch kind {
		case SettingTTL:
			a = stacks(after, 320, 150, 100, 400)
		case SettingGOGC:
			a = stacks(after, 20, 200, 100, 1000)
		case SettingDependency:
			a = stacks(after, 20, 200, 300, 400)
		}
		saveProfiles(t, sc, before, a)
	}
}
