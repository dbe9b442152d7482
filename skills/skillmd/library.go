package skillmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
)

// ErrUnknownSkill reports a skill name the library does not hold.
var ErrUnknownSkill = errors.New("no such skill")

// MaxReferenceBytes bounds what Reference returns, to keep a model's
// context small.
const MaxReferenceBytes = 32 << 10

// Skill is one loaded skill: its front matter and where it lives. The body
// is not kept; Library.Body reads it.
type Skill struct {
	Meta
	// Source says where the skill came from: "built-in" or a directory.
	Source string `json:"source"`
	// References are the files under the skill's references/ folder, as
	// slash paths relative to the skill folder ("references/escape.md").
	References []string `json:"references,omitempty"`

	fsys fs.FS
	dir  string // the skill's folder inside fsys
}

// Problem is a skill that could not be loaded, and why.
type Problem struct {
	// Path is the SKILL.md (or folder) at fault.
	Path string
	// Err says what is wrong with it.
	Err error
}

// Error implements error.
func (p Problem) Error() string { return p.Path + ": " + p.Err.Error() }

// Unwrap returns the underlying error.
func (p Problem) Unwrap() error { return p.Err }

// Library is a set of skills by name.
type Library struct {
	skills map[string]Skill
}

// Load reads every <root>/<name>/SKILL.md in fsys. Skills that fail
// validation are left out and reported, one Problem each; the others load.
// source labels the skills ("built-in", or the directory).
func Load(fsys fs.FS, root, source string) (*Library, []Problem) {
	lib := &Library{skills: map[string]Skill{}}
	entries, err := fs.ReadDir(fsys, root)
	if err != nil {
		return lib, []Problem{{Path: source, Err: fmt.Errorf("read skills dir: %w", err)}}
	}
	var probs []Problem
	for _, e := range entries {
		p := path.Join(root, e.Name())
		if !e.IsDir() {
			if e.Name() == "SKILL.md" {
				probs = append(probs, Problem{Path: label(source, p), Err: errors.New("SKILL.md must be inside a folder named after the skill")})
			}
			continue
		}
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		sk, err := loadOne(fsys, p, e.Name())
		if errors.Is(err, fs.ErrNotExist) {
			continue // a folder without SKILL.md is not a skill
		}
		if err != nil {
			probs = append(probs, Problem{Path: label(source, path.Join(p, "SKILL.md")), Err: err})
			continue
		}
		sk.Source = source
		lib.skills[sk.Name] = sk
	}
	return lib, probs
}

func label(source, p string) string {
	if source == "built-in" {
		return "built-in " + p
	}
	return path.Join(source, p)
}

// LoadDir loads the skills in the folders of dir (the skills.dir of the
// config, which also holds playbooks).
func LoadDir(dir string) (*Library, []Problem) {
	return Load(os.DirFS(dir), ".", dir)
}

// loadOne reads and validates the skill in folder dir.
func loadOne(fsys fs.FS, dir, folder string) (Skill, error) {
	data, err := fs.ReadFile(fsys, path.Join(dir, "SKILL.md"))
	if err != nil {
		return Skill{}, err
	}
	m, _, err := Parse(data)
	if err != nil {
		return Skill{}, err
	}
	if m.Name != folder {
		return Skill{}, fmt.Errorf("name %q does not match its folder %q", m.Name, folder)
	}
	sk := Skill{Meta: m, fsys: fsys, dir: dir}
	refs := path.Join(dir, "references")
	err = fs.WalkDir(fsys, refs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			sk.References = append(sk.References, strings.TrimPrefix(p, dir+"/"))
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return Skill{}, fmt.Errorf("list references: %w", err)
	}
	sort.Strings(sk.References)
	return sk, nil
}

// Merge returns a library holding l's skills and over's, a skill of over
// replacing one of l with the same name (a team's own version of a
// built-in skill).
func (l *Library) Merge(over *Library) *Library {
	out := &Library{skills: map[string]Skill{}}
	for _, src := range []*Library{l, over} {
		if src == nil {
			continue
		}
		for n, s := range src.skills {
			out.skills[n] = s
		}
	}
	return out
}

// List returns the skills sorted by name.
func (l *Library) List() []Skill {
	if l == nil {
		return nil
	}
	out := make([]Skill, 0, len(l.skills))
	for _, s := range l.skills {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Get returns the skill called name.
func (l *Library) Get(name string) (Skill, bool) {
	if l == nil {
		return Skill{}, false
	}
	s, ok := l.skills[name]
	return s, ok
}

// Body reads the skill's instructions.
func (l *Library) Body(name string) (string, error) {
	s, ok := l.Get(name)
	if !ok {
		return "", fmt.Errorf("read skill %q: %w", name, ErrUnknownSkill)
	}
	data, err := fs.ReadFile(s.fsys, path.Join(s.dir, "SKILL.md"))
	if err != nil {
		return "", fmt.Errorf("read skill %q: %w", name, err)
	}
	_, body, err := Parse(data)
	if err != nil {
		return "", fmt.Errorf("read skill %q: %w", name, err)
	}
	return body, nil
}

// Reference reads one of the skill's references, named as listed in
// Skill.References (the "references/" prefix may be left out). It never
// reads outside the skill's references/ folder, and returns at most
// MaxReferenceBytes.
func (l *Library) Reference(name, file string) (string, error) {
	s, ok := l.Get(name)
	if !ok {
		return "", fmt.Errorf("read reference of %q: %w", name, ErrUnknownSkill)
	}
	file = strings.TrimPrefix(path.Clean("/"+file), "/")
	if !strings.HasPrefix(file, "references/") {
		file = "references/" + file
	}
	for _, r := range s.References {
		if r != file {
			continue
		}
		data, err := fs.ReadFile(s.fsys, path.Join(s.dir, r))
		if err != nil {
			return "", fmt.Errorf("read reference %s of %q: %w", r, name, err)
		}
		if len(data) > MaxReferenceBytes {
			data = append(data[:MaxReferenceBytes:MaxReferenceBytes], "\n[truncated]"...)
		}
		return string(data), nil
	}
	return "", fmt.Errorf("read reference %s of %q: %w (it has: %s)", file, name, fs.ErrNotExist, strings.Join(s.References, ", "))
}
