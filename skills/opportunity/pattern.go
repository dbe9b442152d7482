// Package opportunity finds known inefficiency patterns in the hot code of
// a service's profiles (offense): regexp compiled per call, fmt and string
// concatenation in loops, JSON of large values per request, slice and map
// growth without pre-sizing, time.Now and defer in tight loops, lock
// contention and GC pressure. Each finding names the function and its
// source lines, the share of CPU, the cores and watts a fix would save and
// the change to make.
//
// Patterns are data, not code: each is a small YAML file under a skill's
// references/patterns/ folder in the skill library (built-in skills in
// skills/library, a team's own in skills.dir), so a team adds a pattern by
// adding a file. The learning loop writes the patterns of merged and
// verified fixes there too (LearnedPattern, WriteLearned).
package opportunity

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/wattson-dev/wattson/skills/skillmd"
)

// Profile kinds a pattern can be found in.
const (
	KindCPU   = "cpu"
	KindMutex = "mutex"
	KindBlock = "block"
)

// Pattern is one known inefficiency, as a team writes it down.
type Pattern struct {
	// Name identifies the pattern, e.g. "regexp-compile-per-call".
	Name string `yaml:"name" json:"name"`
	// Title is a short human name, e.g. "regexp compiled per call".
	Title string `yaml:"title" json:"title"`
	// Skill is the skill-library skill the pattern belongs to; set by
	// LoadPatterns from the folder it was found in.
	Skill string `yaml:"-" json:"skill"`
	// Profile is the profile kind it is found in: cpu (default), mutex or
	// block.
	Profile string `yaml:"profile" json:"profile"`
	// Frames are the functions whose cost under a hot function is the
	// pattern's cost: a full name ("regexp.MustCompile"), or a prefix
	// ending in "*" ("runtime.concatstring*"). A frame counts when the hot
	// function reaches it directly or through the runtime only.
	Frames []string `yaml:"frames" json:"frames"`
	// MinShare is the smallest share of the profile (0..1) worth
	// reporting; 0 means 0.01.
	MinShare float64 `yaml:"min_share" json:"min_share"`
	// Saving is the share of the matched cost a fix removes; 0 means 0.8.
	Saving float64 `yaml:"saving" json:"saving"`
	// Suggestion says what to change, in words.
	Suggestion string `yaml:"suggestion" json:"suggestion"`
	// Fix, when set, makes the change mechanical: a fix proposal is
	// prepared for each finding.
	Fix *Fix `yaml:"fix,omitempty" json:"fix,omitempty"`
	// Rewrite names the syntax-tree rewrite (package skills/rewrite) that
	// makes the change in code, such as "hoist-regexp"; empty when the
	// finding can only be a suggestion.
	Rewrite string `yaml:"rewrite,omitempty" json:"rewrite,omitempty"`
	// Example shows the change, before and after.
	Example *Example `yaml:"example,omitempty" json:"example,omitempty"`
	// Effect is the measured effect of a past fix (learned patterns).
	Effect string `yaml:"effect,omitempty" json:"effect,omitempty"`
	// Learned names the proposal a learned pattern was recorded from.
	Learned string `yaml:"learned,omitempty" json:"learned,omitempty"`
}

// Fix is the mechanical change a pattern's findings propose.
type Fix struct {
	// Title is the pull request title; "{function}" is replaced.
	Title string `yaml:"title" json:"title"`
	// Body describes the change; "{function}", "{file}" and "{lines}" are
	// replaced.
	Body string `yaml:"body" json:"body"`
}

// Example is a before/after snippet.
type Example struct {
	Before string `yaml:"before" json:"before"`
	After  string `yaml:"after" json:"after"`
}

// ParsePattern decodes one pattern file strictly and checks it.
func ParsePattern(data []byte) (Pattern, error) {
	var p Pattern
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return p, fmt.Errorf("parse pattern: %w", err)
	}
	if p.Profile == "" {
		p.Profile = KindCPU
	}
	if p.MinShare == 0 {
		p.MinShare = 0.01
	}
	if p.Saving == 0 {
		p.Saving = 0.8
	}
	switch {
	case p.Name == "":
		return p, errors.New("parse pattern: no name")
	case len(p.Frames) == 0:
		return p, fmt.Errorf("parse pattern %s: no frames", p.Name)
	case !slices.Contains([]string{KindCPU, KindMutex, KindBlock}, p.Profile):
		return p, fmt.Errorf("parse pattern %s: profile %q is not cpu, mutex or block", p.Name, p.Profile)
	case p.MinShare < 0 || p.MinShare > 1 || p.Saving < 0 || p.Saving > 1:
		return p, fmt.Errorf("parse pattern %s: min_share and saving must be within 0..1", p.Name)
	}
	if p.Title == "" {
		p.Title = p.Name
	}
	return p, nil
}

// patternDir is where, inside a skill's folder, its pattern files live.
const patternDir = "references/patterns/"

// LoadPatterns reads the patterns of every skill in lib: the .yaml files
// under each skill's references/patterns/. A later skill's pattern of the
// same name replaces an earlier one. Bad files are reported and skipped.
func LoadPatterns(lib *skillmd.Library) ([]Pattern, []error) {
	var (
		out  []Pattern
		errs []error
	)
	seen := map[string]int{}
	for _, sk := range lib.List() {
		for _, ref := range sk.References {
			if !strings.HasPrefix(ref, patternDir) || (path.Ext(ref) != ".yaml" && path.Ext(ref) != ".yml") {
				continue
			}
			text, err := lib.Reference(sk.Name, ref)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			p, err := ParsePattern([]byte(text))
			if err != nil {
				errs = append(errs, fmt.Errorf("skill %s %s: %w", sk.Name, ref, err))
				continue
			}
			p.Skill = sk.Name
			if i, dup := seen[p.Name]; dup {
				out[i] = p
				continue
			}
			seen[p.Name] = len(out)
			out = append(out, p)
		}
	}
	return out, errs
}

// matches reports whether a function name matches one of the frames.
func (p Pattern) matches(fn string) bool {
	for _, f := range p.Frames {
		if prefix, ok := strings.CutSuffix(f, "*"); ok {
			if strings.HasPrefix(fn, prefix) {
				return true
			}
		} else if fn == f {
			return true
		}
	}
	return false
}
