// Package skillmd loads Agent Skills: folders that hold a SKILL.md file
// (YAML front matter with a name and a description, then instructions in
// Markdown) and, optionally, a references/ folder of further reading.
//
// A Library keeps only each skill's name and description in memory; the
// body and references are read when asked for, so a model is offered the
// catalogue and loads a skill's instructions only when it needs them.
//
// WriteReference adds a reference file to a skill of a directory, creating
// the skill when it is missing: that is how Wattson records the patterns it
// learns from verified fixes.
package skillmd

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Limits from the Agent Skills specification.
const (
	// MaxNameLen is the longest skill name.
	MaxNameLen = 64
	// MaxDescriptionLen is the longest description, in characters.
	MaxDescriptionLen = 1024
	// MaxCompatibilityLen is the longest compatibility note.
	MaxCompatibilityLen = 500
)

// ErrNoFrontMatter reports a SKILL.md that does not start with a "---"
// line or never closes its front matter.
var ErrNoFrontMatter = errors.New("no YAML front matter between --- lines")

// Meta is a skill's front matter.
type Meta struct {
	// Name identifies the skill; it equals the name of its folder.
	Name string `yaml:"name" json:"name"`
	// Description says what the skill is for and when to use it.
	Description string `yaml:"description" json:"description"`
	// License, Compatibility, Metadata and AllowedTools are the optional
	// fields of the specification, kept as written.
	License       string            `yaml:"license" json:"license,omitempty"`
	Compatibility string            `yaml:"compatibility" json:"compatibility,omitempty"`
	Metadata      map[string]string `yaml:"metadata" json:"metadata,omitempty"`
	AllowedTools  string            `yaml:"allowed-tools" json:"allowed_tools,omitempty"`
}

// Parse splits a SKILL.md into its front matter and body and validates the
// front matter (unknown keys are an error). It does not compare the name
// with the folder; Load does.
func Parse(data []byte) (Meta, string, error) {
	var m Meta
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		return m, "", errors.New("SKILL.md is not UTF-8")
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	rest, ok := strings.CutPrefix(text, "---\n")
	if !ok {
		return m, "", ErrNoFrontMatter
	}
	var head, body string
	if strings.HasPrefix(rest, "---\n") || rest == "---" {
		head, body = "", strings.TrimPrefix(strings.TrimPrefix(rest, "---"), "\n")
	} else if i := strings.Index(rest, "\n---\n"); i >= 0 {
		head, body = rest[:i], rest[i+len("\n---\n"):]
	} else if strings.HasSuffix(rest, "\n---") {
		head, body = strings.TrimSuffix(rest, "\n---"), ""
	} else {
		return m, "", ErrNoFrontMatter
	}
	dec := yaml.NewDecoder(strings.NewReader(head))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil && !errors.Is(err, io.EOF) {
		return m, "", fmt.Errorf("parse front matter: %w", err)
	}
	if err := m.Validate(); err != nil {
		return m, "", err
	}
	body = strings.TrimSpace(body)
	if body == "" {
		return m, "", errors.New("no instructions after the front matter")
	}
	return m, body, nil
}

// Validate checks the front matter against the specification.
func (m Meta) Validate() error {
	if err := ValidateName(m.Name); err != nil {
		return err
	}
	d := strings.TrimSpace(m.Description)
	switch {
	case d == "":
		return errors.New("description is missing")
	case utf8.RuneCountInString(m.Description) > MaxDescriptionLen:
		return fmt.Errorf("description is %d characters; the limit is %d", utf8.RuneCountInString(m.Description), MaxDescriptionLen)
	case utf8.RuneCountInString(m.Compatibility) > MaxCompatibilityLen:
		return fmt.Errorf("compatibility is %d characters; the limit is %d", utf8.RuneCountInString(m.Compatibility), MaxCompatibilityLen)
	}
	return nil
}

// ValidateName checks a skill name: 1 to 64 lowercase letters, digits and
// hyphens, not starting or ending with a hyphen and without "--".
func ValidateName(name string) error {
	switch {
	case name == "":
		return errors.New("name is missing")
	case len(name) > MaxNameLen:
		return fmt.Errorf("name %q is %d characters; the limit is %d", name, len(name), MaxNameLen)
	case strings.HasPrefix(name, "-") || strings.HasSuffix(name, "-"):
		return fmt.Errorf("name %q starts or ends with a hyphen", name)
	case strings.Contains(name, "--"):
		return fmt.Errorf("name %q has consecutive hyphens", name)
	}
	for _, r := range name {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
			return fmt.Errorf("name %q may hold only lowercase letters, digits and hyphens, not %q", name, r)
		}
	}
	return nil
}
