package skills

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Playbook is a named chain of skill steps, kept as data (YAML or JSON) so
// that people can write new ones without changing code.
type Playbook struct {
	// Name identifies the playbook, e.g. "cpu-regression".
	Name string `yaml:"name" json:"name"`
	// Description says when to use it.
	Description string `yaml:"description" json:"description"`
	// Steps run in order.
	Steps []StepSpec `yaml:"steps" json:"steps"`
}

// StepSpec is one step of a playbook.
type StepSpec struct {
	// ID names the step's output for later references; it defaults to the
	// skill name.
	ID string `yaml:"id" json:"id,omitempty"`
	// Skill is the name of the skill to run.
	Skill string `yaml:"skill" json:"skill"`
	// Args are the skill's arguments. A string of the form "$step.path"
	// is replaced by that value of an earlier step's output ("$input.path"
	// reads the investigation's input); a trailing "?" makes it optional,
	// so a missing value leaves the argument out instead of skipping the
	// step.
	Args map[string]any `yaml:"args" json:"args,omitempty"`
	// Timeout bounds the step, as a Go duration ("20s"); empty means the
	// runner's default.
	Timeout string `yaml:"timeout" json:"timeout,omitempty"`
}

// id returns the step's output name.
func (s StepSpec) id() string {
	if s.ID != "" {
		return s.ID
	}
	return s.Skill
}

//go:embed playbooks/*.yaml
var builtinPlaybooks embed.FS

// BuiltinPlaybooks returns the playbooks shipped with Wattson.
func BuiltinPlaybooks() ([]Playbook, error) {
	return loadPlaybooks(builtinPlaybooks, "playbooks")
}

// LoadPlaybooks reads every *.yaml, *.yml and *.json playbook file in dir.
// Other files (such as SKILL.md) are ignored.
func LoadPlaybooks(dir string) ([]Playbook, error) {
	return loadPlaybooks(os.DirFS(dir), ".")
}

func loadPlaybooks(fsys fs.FS, dir string) ([]Playbook, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read playbook dir: %w", err)
	}
	var pbs []Playbook
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.IsDir() || (ext != ".yaml" && ext != ".yml" && ext != ".json") {
			continue
		}
		data, err := fs.ReadFile(fsys, filepath.ToSlash(filepath.Join(dir, e.Name())))
		if err != nil {
			return nil, fmt.Errorf("read playbook: %w", err)
		}
		pb, err := ParsePlaybook(data)
		if err != nil {
			return nil, fmt.Errorf("playbook %s: %w", e.Name(), err)
		}
		pbs = append(pbs, pb)
	}
	sort.Slice(pbs, func(i, j int) bool { return pbs[i].Name < pbs[j].Name })
	return pbs, nil
}

// ParsePlaybook decodes one playbook (YAML, of which JSON is a subset)
// strictly and checks it.
func ParsePlaybook(data []byte) (Playbook, error) {
	var pb Playbook
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&pb); err != nil {
		return pb, fmt.Errorf("parse playbook: %w", err)
	}
	return pb, pb.Validate()
}

// Validate checks that the playbook is well formed: a name, at least one
// step, unique step ids, parseable timeouts and references only to the
// input or earlier steps.
func (pb Playbook) Validate() error {
	if pb.Name == "" {
		return errors.New("playbook has no name")
	}
	if len(pb.Steps) == 0 {
		return fmt.Errorf("playbook %s has no steps", pb.Name)
	}
	seen := map[string]bool{"input": true}
	for i, st := range pb.Steps {
		if st.Skill == "" {
			return fmt.Errorf("step %d has no skill", i+1)
		}
		if st.Timeout != "" {
			if d, err := time.ParseDuration(st.Timeout); err != nil || d <= 0 {
				return fmt.Errorf("step %s: bad timeout %q", st.id(), st.Timeout)
			}
		}
		for _, ref := range collectRefs(st.Args) {
			if !seen[ref.step] {
				return fmt.Errorf("step %s: reference %s names no earlier step", st.id(), ref.raw)
			}
		}
		if seen[st.id()] {
			return fmt.Errorf("step id %s used twice", st.id())
		}
		seen[st.id()] = true
	}
	return nil
}

// Find returns the playbook called name.
func Find(pbs []Playbook, name string) (Playbook, bool) {
	for _, pb := range pbs {
		if pb.Name == name {
			return pb, true
		}
	}
	return Playbook{}, false
}

// ErrNoPlaybook is returned by FindPlaybook for a name it has no
// playbook of.
var ErrNoPlaybook = errors.New("no such playbook")

// FindPlaybook looks name up among the playbooks in dir (skills.dir) when
// dir is set, then among the built-in ones.
func FindPlaybook(name, dir string) (Playbook, error) {
	if dir != "" {
		pbs, err := LoadPlaybooks(dir)
		if err != nil {
			return Playbook{}, fmt.Errorf("load playbooks: %w", err)
		}
		if pb, ok := Find(pbs, name); ok {
			return pb, nil
		}
	}
	pbs, err := BuiltinPlaybooks()
	if err != nil {
		return Playbook{}, fmt.Errorf("load built-in playbooks: %w", err)
	}
	pb, ok := Find(pbs, name)
	if !ok {
		return Playbook{}, fmt.Errorf("find playbook %q: %w", name, ErrNoPlaybook)
	}
	return pb, nil
}
