package skillmd

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

var parseCases = []struct {
	name, in, err string
}{
	{"ok", "---\nname: go-json\ndescription: JSON costs.\n---\n# Body\nDo this.\n", ""},
	{"crlf and bom", "\ufeff---\r\nname: a1\r\ndescription: d\r\n---\r\nbody\r\n", ""},
	{"optional fields", "---\nname: a\ndescription: d\nlicense: MIT\ncompatibility: Go 1.22+\nmetadata:\n  author: x\nallowed-tools: Bash\n---\nbody", ""},
	{"no front matter", "# just markdown\n", "no YAML front matter"},
	{"unclosed", "---\nname: a\ndescription: d\n", "no YAML front matter"},
	{"empty front matter", "---\n---\nbody", "name is missing"},
	{"unknown key", "---\nname: a\ndescription: d\nversion: 2\n---\nbody", "field version not found"},
	{"upper case", "---\nname: Go-JSON\ndescription: d\n---\nbody", "lowercase letters"},
	{"underscore", "---\nname: go_json\ndescription: d\n---\nbody", "lowercase letters"},
	{"leading hyphen", "---\nname: -go\ndescription: d\n---\nbody", "hyphen"},
	{"double hyphen", "---\nname: go--json\ndescription: d\n---\nbody", "consecutive"},
	{"too long name", "---\nname: " + strings.Repeat("a", 65) + "\ndescription: d\n---\nbody", "limit is 64"},
	{"no description", "---\nname: a\n---\nbody", "description is missing"},
	{"long description", "---\nname: a\ndescription: " + strings.Repeat("é", 1025) + "\n---\nbody", "limit is 1024"},
	{"no body", "---\nname: a\ndescription: d\n---\n\n", "no instructions"},
	{"bad yaml", "---\nname: [a\ndescription: d\n---\nbody", "parse front matter"},
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			m, body, err := Parse([]byte(tc.in))
			if tc.err == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if m.Name == "" || body == "" {
					t.Fatalf("Parse = %+v, %q", m, body)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("Parse error = %v, want it to contain %q", err, tc.err)
			}
		})
	}
}

func TestDescriptionAtLimitIsValid(t *testing.T) {
	in := "---\nname: a\ndescription: " + strings.Repeat("é", MaxDescriptionLen) + "\n---\nbody"
	if _, _, err := Parse([]byte(in)); err != nil {
		t.Fatalf("a description of exactly %d characters: %v", MaxDescriptionLen, err)
	}
	if err := ValidateName(strings.Repeat("a", MaxNameLen)); err != nil {
		t.Fatalf("a name of exactly %d characters: %v", MaxNameLen, err)
	}
}

func testFS() fstest.MapFS {
	return fstest.MapFS{
		"skills/go-json/SKILL.md":                    {Data: []byte("---\nname: go-json\ndescription: JSON costs.\n---\nUse json.RawMessage.\n")},
		"skills/go-json/references/encoding.md":      {Data: []byte("reference text")},
		"skills/go-locks/SKILL.md":                   {Data: []byte("---\nname: go-locks\ndescription: Lock contention.\n---\nShard the map.\n")},
		"skills/wrong-folder/SKILL.md":               {Data: []byte("---\nname: other\ndescription: d\n---\nbody\n")},
		"skills/Bad_Name/SKILL.md":                   {Data: []byte("---\nname: Bad_Name\ndescription: d\n---\nbody\n")},
		"skills/notes/README.md":                     {Data: []byte("not a skill")},
		"skills/SKILL.md":                            {Data: []byte("---\nname: skills\ndescription: d\n---\nbody\n")},
		"skills/cpu-regression.yaml":                 {Data: []byte("name: cpu-regression\n")},
		"skills/go-json/references/nested/deeper.md": {Data: []byte("deeper")},
	}
}

func TestLoadReportsBadSkillsAndKeepsGoodOnes(t *testing.T) {
	lib, probs := Load(testFS(), "skills", "/etc/wattson/skills")
	var names []string
	for _, s := range lib.List() {
		names = append(names, s.Name)
	}
	if got := strings.Join(names, ","); got != "go-json,go-locks" {
		t.Fatalf("loaded %s", got)
	}
	want := map[string]string{
		"/etc/wattson/skills/skills/wrong-folder/SKILL.md": `name "other" does not match its folder "wrong-folder"`,
		"/etc/wattson/skills/skills/Bad_Name/SKILL.md":     "lowercase letters",
		"/etc/wattson/skills/skills/SKILL.md":              "inside a folder",
	}
	if len(probs) != len(want) {
		t.Fatalf("problems = %v", probs)
	}
	for _, p := range probs {
		if w, ok := want[p.Path]; !ok || !strings.Contains(p.Error(), w) {
			t.Errorf("problem %q, want one for %v", p.Error(), want)
		}
	}
	sk, _ := lib.Get("go-json")
	if got := strings.Join(sk.References, ","); got != "references/encoding.md,references/nested/deeper.md" {
		t.Errorf("references = %s", got)
	}
}

func TestBodyAndReferencesLoadOnDemand(t *testing.T) {
	fsys := testFS()
	lib, _ := Load(fsys, "skills", "dir")
	// Change the file after loading: the body is read when asked for.
	fsys["skills/go-json/SKILL.md"] = &fstest.MapFile{Data: []byte("---\nname: go-json\ndescription: JSON costs.\n---\nNew body.\n")}
	body, err := lib.Body("go-json")
	if err != nil || body != "New body." {
		t.Fatalf("Body = %q, %v", body, err)
	}
	if _, err := lib.Body("nope"); !errors.Is(err, ErrUnknownSkill) {
		t.Fatalf("Body(nope) = %v", err)
	}
	for _, f := range []string{"encoding.md", "references/encoding.md", "/references/../references/encoding.md"} {
		if got, err := lib.Reference("go-json", f); err != nil || got != "reference text" {
			t.Errorf("Reference(%q) = %q, %v", f, got, err)
		}
	}
	for _, f := range []string{"../SKILL.md", "../../go-locks/SKILL.md", "references/../../go-locks/SKILL.md", "missing.md"} {
		if _, err := lib.Reference("go-json", f); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Reference(%q) = %v, want not exist", f, err)
		}
	}
}

func TestMergeLetsADirectoryOverrideABuiltin(t *testing.T) {
	base, _ := Load(testFS(), "skills", "built-in")
	over, _ := Load(fstest.MapFS{"go-json/SKILL.md": {Data: []byte("---\nname: go-json\ndescription: Ours.\n---\nbody\n")}}, ".", "team")
	m := base.Merge(over)
	if s, _ := m.Get("go-json"); s.Description != "Ours." || s.Source != "team" {
		t.Fatalf("merged go-json = %+v", s)
	}
	if _, ok := m.Get("go-locks"); !ok {
		t.Fatal("merge lost go-locks")
	}
}

func TestLoadMissingDir(t *testing.T) {
	lib, probs := Load(fstest.MapFS{}, "nope", "nope")
	if len(lib.List()) != 0 || len(probs) != 1 {
		t.Fatalf("lib %v, problems %v", lib.List(), probs)
	}
}

func TestWriteReferenceCreatesTheSkillOnce(t *testing.T) {
	dir := t.TempDir()
	md := []byte("---\nname: learned-fixes\ndescription: Learned patterns.\n---\nEdit them.\n")
	if err := WriteReference(dir, "learned-fixes", "patterns/a.yaml", []byte("name: a\n"), md); err != nil {
		t.Fatal(err)
	}
	// A SKILL.md someone edited stays as it is.
	edited := []byte("---\nname: learned-fixes\ndescription: Ours now.\n---\nKeep.\n")
	if err := os.WriteFile(filepath.Join(dir, "learned-fixes", "SKILL.md"), edited, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteReference(dir, "learned-fixes", "references/patterns/b.yaml", []byte("name: b\n"), md); err != nil {
		t.Fatal(err)
	}
	lib, probs := LoadDir(dir)
	sk, ok := lib.Get("learned-fixes")
	if len(probs) != 0 || !ok || sk.Description != "Ours now." {
		t.Fatalf("skill %+v (found %v), problems %v", sk, ok, probs)
	}
	if got := strings.Join(sk.References, ","); got != "references/patterns/a.yaml,references/patterns/b.yaml" {
		t.Errorf("references %s", got)
	}
	if b, err := lib.Reference("learned-fixes", "patterns/b.yaml"); err != nil || b != "name: b\n" {
		t.Errorf("reference b = %q, %v", b, err)
	}
	for _, bad := range []struct{ name, file string }{{"Bad_Name", "x.yaml"}, {"ok", ""}, {"ok", "references/"}} {
		if err := WriteReference(dir, bad.name, bad.file, nil, md); err == nil {
			t.Errorf("WriteReference(%q, %q) wrote", bad.name, bad.file)
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "x.yaml")); err == nil {
		t.Error("a reference was written outside the skill")
	}
	if err := WriteReference(dir, "ok", "../../../escape.yaml", []byte("x"), md); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "ok", "references", "escape.yaml")); err != nil {
		t.Errorf("a path with .. was not kept inside references/: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add([]byte(tc.in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, body, err := Parse(data)
		if err != nil {
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("Parse accepted invalid meta %+v: %v", m, err)
		}
		if strings.TrimSpace(body) == "" {
			t.Fatal("Parse accepted an empty body")
		}
	})
}
