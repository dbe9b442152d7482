package sample

import "time"

// person is a commit author.
type person struct {
	name, email string
}

// commit is one commit of the sample's history: who wrote it when (as an
// offset from the end of the observation window), what it says, and which
// files it writes (repository path → file under _service).
type commit struct {
	author  person
	at      time.Duration
	subject string
	files   map[string]string
	// tag, when set, is the release the commit is tagged with; deploy is
	// then when it rolled out to production (an offset from the end of
	// the window).
	tag    string
	deploy time.Duration
	// culprit marks the commit that makes each request cost more CPU.
	culprit bool
}

// mergedAfter is how long after the author's last edit a pull request was
// squash-merged by the code host.
const mergedAfter = 3 * time.Hour

// history is the sample service's history, oldest first: four people
// working on a small checkout service, three releases deployed in or just
// before the window, and one commit among unrelated ones that compiles a
// regular expression on every request.
func history() []commit {
	dana := person{"Dana Okafor", "dana@acme-shop.example"}
	marco := person{"Marco Bellini", "marco@acme-shop.example"}
	priya := person{"Priya Raman", "priya@acme-shop.example"}
	sam := person{"Sam Lee", "sam@acme-shop.example"}
	day := 24 * time.Hour
	return []commit{
		{author: dana, at: -20 * day, subject: "feat: checkout service with a quote endpoint (#1)", files: map[string]string{
			"go.mod":                      "go.mod.txt",
			"README.md":                   "README.v1.md",
			"cmd/checkout/main.go":        "cmd/checkout/main.v1.go",
			"internal/api/api.go":         "internal/api/api.v1.go",
			"internal/catalog/catalog.go": "internal/catalog/catalog.v1.go",
			"internal/pricing/pricing.go": "internal/pricing/pricing.v1.go",
		}},
		{author: dana, at: -19 * day, subject: "chore: add loadgen for local benchmarks and profiles (#2)", files: map[string]string{
			"cmd/loadgen/main.go": "cmd/loadgen/main.v1.go",
		}},
		{author: marco, at: -12 * day, subject: "feat(pricing): 5% volume discount from ten items (#4)", files: map[string]string{
			"internal/pricing/pricing.go": "internal/pricing/pricing.v2.go",
		}},
		{author: sam, at: -6 * day, subject: "docs: document the quote API (#5)", files: map[string]string{
			"README.md": "README.v2.md",
		}, tag: "v1.0.0", deploy: -100 * time.Hour},
		{author: marco, at: -90 * time.Hour, subject: "fix(api): refuse zero and negative quantities (#7)", files: map[string]string{
			"internal/api/api.go": "internal/api/api.v2.go",
		}},
		{author: sam, at: -80 * time.Hour, subject: "ci: vet and test on every push (#8)", files: map[string]string{
			".github/workflows/ci.yml": "ci/ci.v1.yml",
		}, tag: "v1.1.0", deploy: -52 * time.Hour},
		{author: priya, at: -46 * time.Hour, subject: "refactor(pricing): move tax rates into a table (#9)", files: map[string]string{
			"internal/pricing/pricing.go": "internal/pricing/pricing.v3.go",
		}},
		{author: priya, at: -40 * time.Hour, subject: "feat(api): validate coupon codes (#11)", files: map[string]string{
			"internal/api/api.go":      "internal/api/api.v3.go",
			"internal/api/api_test.go": "internal/api/api_test.v1.go",
		}, culprit: true},
		{author: sam, at: -36 * time.Hour, subject: "docs(readme): coupon code format (#12)", files: map[string]string{
			"README.md": "README.v3.md",
		}},
		{author: marco, at: -31 * time.Hour, subject: "perf(catalog): presize the SKU index (#13)", files: map[string]string{
			"internal/catalog/catalog.go": "internal/catalog/catalog.v2.go",
		}, tag: "v1.2.0", deploy: -26 * time.Hour},
		{author: sam, at: -6 * time.Hour, subject: "ci: build with Go 1.23 (#14)", files: map[string]string{
			".github/workflows/ci.yml": "ci/ci.v2.yml",
		}},
	}
}
