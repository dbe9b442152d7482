package offenseeval

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

//go:embed all:_corpus
var corpusFS embed.FS

// Planted is an inefficiency a corpus package carries on purpose.
type Planted struct {
	// Function is the function as profiles name it; Pattern the pattern
	// the scan should find in it.
	Function string `json:"function"`
	Pattern  string `json:"pattern"`
	// Fixable is whether its pattern's rewrite can be proved safe there;
	// a planted inefficiency that is not stays a suggestion.
	Fixable bool `json:"fixable"`
}

// Case is one corpus package: a service of its own, profiled running its
// benchmark.
type Case struct {
	// Service is the name its profiles are stored under, Package its
	// import path.
	Service string `json:"service"`
	Package string `json:"package"`
	// Planted are its inefficiencies; none for a package that should show
	// no finding.
	Planted []Planted `json:"planted"`
}

// Corpus is a generated corpus: where its module and profiles are and
// what it holds.
type Corpus struct {
	// Repo is the git repository of the module, Profiles the profile
	// directory (<service>/<RFC3339>.pb.gz).
	Repo     string `json:"-"`
	Profiles string `json:"-"`
	Cases    []Case `json:"cases"`
}

// module is the corpus module's path.
const module = "example.com/corpus"

// cases are the corpus packages and what is planted in them: one per
// rewrite, one whose rewrite is unsafe, one with nothing to find.
func cases() []Case {
	p := func(pkg, fn, pattern string, fixable bool) Case {
		return Case{Service: pkg, Package: module + "/" + pkg,
			Planted: []Planted{{Function: module + "/" + pkg + "." + fn, Pattern: pattern, Fixable: fixable}}}
	}
	return []Case{
		p("regex", "ValidSKU", "regexp-compile-per-call", true),
		p("concat", "CSV", "fmt-string-building", true),
		p("grow", "Squares", "growth-without-presize", true),
		p("clock", "Stamp", "time-now-in-loop", true),
		p("longest", "FirstWord", "regexp-compile-per-call", false),
		{Service: "digest", Package: module + "/digest"},
	}
}

// manifest is the corpus description Generate writes and Load reads.
const manifest = "corpus.json"

// ProfileTime is the benchmark run that profiles a package; long enough
// for a few hundred CPU samples.
const ProfileTime = 2 * time.Second

// Generate writes the corpus into dir: the module as a git repository
// (dir/repo), each package's CPU profile captured by running its
// benchmarks under the profiler for ProfileTime (dir/profiles), and the
// manifest. goCmd is the go command; empty means "go".
func Generate(ctx context.Context, dir, goCmd string, now time.Time) (Corpus, error) {
	if goCmd == "" {
		goCmd = "go"
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return Corpus{}, fmt.Errorf("generate corpus: %w", err)
	}
	c := at(dir)
	c.Cases = cases()
	if err := writeModule(c.Repo); err != nil {
		return c, err
	}
	for _, args := range [][]string{
		{"init", "--quiet", "--initial-branch=main"},
		{"add", "-A"},
		{"-c", "user.name=Corpus", "-c", "user.email=corpus@example.com", "commit", "--quiet", "-m", "corpus: planted inefficiencies"},
	} {
		if out, err := exec.CommandContext(ctx, "git", append([]string{"-C", c.Repo}, args...)...).CombinedOutput(); err != nil {
			return c, fmt.Errorf("generate corpus: git %s: %s: %w", args[0], strings.TrimSpace(string(out)), err)
		}
	}
	stamp := now.UTC().Truncate(time.Second).Format(time.RFC3339)
	for _, k := range c.Cases {
		out := filepath.Join(c.Profiles, k.Service, stamp+".pb.gz")
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return c, fmt.Errorf("generate corpus: %w", err)
		}
		if err := profile(ctx, goCmd, c.Repo, k.Package, out); err != nil {
			return c, err
		}
	}
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return c, fmt.Errorf("generate corpus: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, manifest), append(data, '\n'), 0o644); err != nil {
		return c, fmt.Errorf("generate corpus: %w", err)
	}
	return c, nil
}

// writeModule copies the embedded module into dir (go.mod is stored as
// go.mod.txt, so that it is not a module inside this one).
func writeModule(dir string) error {
	return fs.WalkDir(corpusFS, "_corpus", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := corpusFS.ReadFile(path)
		if err != nil {
			return err
		}
		rel := strings.TrimSuffix(strings.TrimPrefix(path, "_corpus/"), ".txt")
		dst := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return fmt.Errorf("generate corpus: %w", err)
		}
		return os.WriteFile(dst, data, 0o644)
	})
}

// profile runs pkg's benchmarks under the CPU profiler and writes the
// profile to out.
func profile(ctx context.Context, goCmd, repo, pkg, out string) error {
	tmp, err := os.MkdirTemp("", "wattson-corpus-")
	if err != nil {
		return fmt.Errorf("generate corpus: %w", err)
	}
	defer os.RemoveAll(tmp)
	cmd := exec.CommandContext(ctx, goCmd, "test", "-run=^$", "-bench=.", "-benchtime="+ProfileTime.String(),
		"-o", filepath.Join(tmp, "pkg.test"), "-cpuprofile", out, pkg)
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=", "GOTOOLCHAIN=local")
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("generate corpus: profile %s: %s: %w", pkg, strings.TrimSpace(buf.String()), err)
	}
	return nil
}

// Load reads the corpus Generate wrote into dir.
func Load(dir string) (Corpus, error) {
	data, err := os.ReadFile(filepath.Join(dir, manifest))
	if err != nil {
		return Corpus{}, fmt.Errorf("load corpus: %w (generate one with --generate)", err)
	}
	c := at(dir)
	if err := json.Unmarshal(data, &c); err != nil {
		return Corpus{}, fmt.Errorf("load corpus %s: %w", filepath.Join(dir, manifest), err)
	}
	if len(c.Cases) == 0 {
		return Corpus{}, fmt.Errorf("load corpus %s: no cases", filepath.Join(dir, manifest))
	}
	return c, nil
}

// at is the corpus laid out in dir.
func at(dir string) Corpus {
	return Corpus{Repo: filepath.Join(dir, "repo"), Profiles: filepath.Join(dir, "profiles")}
}
