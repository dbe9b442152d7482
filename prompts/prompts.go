// Package prompts holds the text Wattson sends to a language model, as
// embedded text/template files with one typed render function each, pinned
// by golden tests (go test ./prompts -update rewrites them).
//
// Everything that comes from outside Wattson — commit titles, step
// summaries, profile function names, metric labels, a user's question — is
// rendered inside a <data> fence that it cannot close, and the system prompt
// tells the model that fenced text is data, never instructions.
package prompts

import (
	"embed"
	"fmt"
	"strings"
	"text/template"
)

//go:embed templates/*.tmpl
var files embed.FS

// render executes the embedded template name with data. Templates are
// parsed per call: it costs microseconds next to a model call, and keeps the
// package free of mutable state.
func render(name string, data any) (string, error) {
	t, err := template.New(name).Funcs(template.FuncMap{
		"data":  Fence,
		"short": short,
		"join":  strings.Join,
	}).Option("missingkey=error").ParseFS(files, "templates/"+name, "templates/case.tmpl")
	if err != nil {
		return "", fmt.Errorf("parse prompt %s: %w", name, err)
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("render prompt %s: %w", name, err)
	}
	return strings.TrimSpace(b.String()) + "\n", nil
}

// Fence makes untrusted text safe to place inside a <data> block: it cannot
// open or close a fence of its own.
func Fence(s string) string {
	r := strings.NewReplacer("<data", "‹data", "</data", "‹/data", "<DATA", "‹DATA", "</DATA", "‹/DATA")
	return r.Replace(s)
}

// short abbreviates a commit sha.
func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}
