// Package yamlconf reads and writes YAML configuration files: Decode reads
// strictly, so that a misspelt key is an error naming the key and its line
// instead of a setting silently ignored, and Node prepares a value for
// printing with every scalar passed through a function (to redact
// credentials, say).
package yamlconf

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

var unknownField = regexp.MustCompile(`^line (\d+): field (\S+) not found in type .+$`)

// Decode decodes the YAML document in r into v, which keeps its values for
// the keys the document leaves out; an empty document leaves v as it is.
// A key v has no field for is an error `line N: unknown key "k"`; all such
// errors, and those of values of the wrong type, are reported together,
// joined by "; ".
func Decode(r io.Reader, v any) error {
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	err := dec.Decode(v)
	if errors.Is(err, io.EOF) {
		return nil
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs := make([]string, len(te.Errors))
		for i, m := range te.Errors {
			if g := unknownField.FindStringSubmatch(m); g != nil {
				m = fmt.Sprintf("line %s: unknown key %q", g[1], g[2])
			}
			msgs[i] = m
		}
		return errors.New(strings.Join(msgs, "; "))
	}
	if err != nil {
		return fmt.Errorf("parse YAML: %w", err)
	}
	return nil
}

// Node encodes v as a YAML node with the value of every scalar (keys too)
// replaced by scalar(value). A MarshalYAML method may return it; v must
// then be of a type without that method, or the encoding would recurse.
func Node(v any, scalar func(string) string) (*yaml.Node, error) {
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		return nil, err
	}
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode {
			n.Value = scalar(n.Value)
		}
		for _, m := range n.Content {
			walk(m)
		}
	}
	walk(&n)
	return &n, nil
}
