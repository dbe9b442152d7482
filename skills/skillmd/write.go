package skillmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// WriteReference writes data as file of the skill name in dir (a skills
// directory such as the config's skills.dir): file is a slash path inside
// the skill's references/ folder, such as "patterns/x.yaml" (the
// "references/" prefix may be left out). The skill's folder is created
// when missing, and its SKILL.md, with skillMD, when it has none; an
// existing SKILL.md is left as it is. The next Load of dir lists the
// reference.
func WriteReference(dir, name, file string, data, skillMD []byte) error {
	if err := ValidateName(name); err != nil {
		return fmt.Errorf("write reference of %q: %w", name, err)
	}
	file = strings.TrimPrefix(path.Clean("/"+file), "/")
	file = strings.TrimPrefix(file, "references/")
	if file == "" || file == "references" {
		return fmt.Errorf("write reference of %q: no file name", name)
	}
	folder := filepath.Join(dir, name)
	dst := filepath.Join(folder, "references", filepath.FromSlash(file))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("write reference of %q: %w", name, err)
	}
	md := filepath.Join(folder, "SKILL.md")
	if _, err := os.Stat(md); errors.Is(err, fs.ErrNotExist) {
		if err := os.WriteFile(md, skillMD, 0o644); err != nil {
			return fmt.Errorf("write SKILL.md of %q: %w", name, err)
		}
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		return fmt.Errorf("write reference of %q: %w", name, err)
	}
	return nil
}
