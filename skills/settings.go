package skills

import (
	"go/token"
	"path"
	"regexp"
	"strings"
)

// SettingKind is what a changed setting controls.
type SettingKind string

// The kinds of settings a commit can change without touching the code of a
// function that got slower.
const (
	// SettingRuntime: GOGC, GOMEMLIMIT, GOMAXPROCS or a resource limit,
	// in a manifest, an env file or the code that sets them.
	SettingRuntime SettingKind = "runtime"
	// SettingDependency: a requirement of go.mod.
	SettingDependency SettingKind = "dependency"
	// SettingDefault: a literal in Go code (an option default, a constant,
	// a constructor argument) with the rest of the line unchanged.
	SettingDefault SettingKind = "default"
	// SettingConfig: the value of a key in a configuration file.
	SettingConfig SettingKind = "config"
)

// setting is one value a commit changed.
type setting struct {
	kind     SettingKind
	path     string
	line     int // on the new side
	key      string
	old, new string
	// pkgs are the identifiers the line selects from ("cache" in
	// "cache.New(...)"), space-separated: the packages it configures.
	pkgs string
}

// settingsOf classifies what each changed line of c sets. A line can be
// code and a setting at once (a default in Go); settings are evidence of
// their own, tied to the runtime or to the package whose behaviour they
// set (see evidence.settingCredit).
func settingsOf(c Change) []setting {
	var out []setting
	for _, f := range c.Files {
		if !isCode(f.Path) || f.Patch == "" {
			continue
		}
		hunks, err := parseHunks(f.Patch)
		if err != nil {
			continue
		}
		for _, h := range hunks {
			out = append(out, hunkSettings(f.Path, h)...)
		}
	}
	return out
}

var (
	runtimeKeyRe = regexp.MustCompile(`\b(GOGC|GOMEMLIMIT|GOMAXPROCS)\b["']?\s*[:=,]?\s*["']?([\w.]*)`)
	runtimeFnRe  = regexp.MustCompile(`\b(?:debug\.SetGCPercent|debug\.SetMemoryLimit|runtime\.GOMAXPROCS)\(\s*([^)]*)\)`)
	nameLineRe   = regexp.MustCompile(`^\s*-?\s*name:\s*["']?(GOGC|GOMEMLIMIT|GOMAXPROCS)["']?\s*$`)
	valueLineRe  = regexp.MustCompile(`^\s*value:\s*["']?([^"'\s]*)["']?\s*$`)
	limitLineRe  = regexp.MustCompile(`^\s*(cpu|memory):\s*["']?([^"'\s]+)["']?\s*$`)
	keyValueRe   = regexp.MustCompile(`^\s*["']?([A-Za-z_][\w.\-]*)["']?\s*[:=]\s*(.+?)\s*,?\s*$`)
	runtimeFns   = map[string]string{"debug.SetGCPercent": "GOGC", "debug.SetMemoryLimit": "GOMEMLIMIT", "runtime.GOMAXPROCS": "GOMAXPROCS"}
)

// hunkSettings finds the settings of one hunk: on each added line, with
// the value of the removed line it replaced.
func hunkSettings(p string, h hunk) []setting {
	old := map[int]string{} // new line → the removed line it replaced
	for _, lp := range changeBlocks(h) {
		old[lp.newLine] = lp.old
	}
	var out []setting
	n := h.newStart
	prev := ""
	for i, op := range h.ops {
		text := h.text[i]
		if op == '-' {
			continue
		}
		if op == '+' {
			if s, ok := lineSetting(p, text, prev, old[n]); ok {
				s.path, s.line = p, n
				out = append(out, s)
			}
		}
		prev = text
		n++
	}
	return out
}

// lineSetting classifies one added line; prev is the line above it, was
// the removed line it replaced ("" if none).
func lineSetting(p, text, prev, was string) (setting, bool) {
	base := path.Base(p)
	switch {
	case base == "go.mod":
		mod, ver, ok := requirement(text)
		if !ok {
			return setting{}, false
		}
		s := setting{kind: SettingDependency, key: mod, new: ver}
		if m, v, ok := requirement(was); ok && m == mod {
			s.old = v
		}
		return s, s.old != s.new
	case runtimeKeyRe.MatchString(text) || runtimeFnRe.MatchString(text):
		key, val := runtimeValue(text)
		s := setting{kind: SettingRuntime, key: key, new: val}
		if k, v := runtimeValue(was); k == key {
			s.old = v
		}
		return s, s.old != s.new
	}
	if m := nameLineRe.FindStringSubmatch(prev); m != nil {
		if v := valueLineRe.FindStringSubmatch(text); v != nil {
			s := setting{kind: SettingRuntime, key: m[1], new: v[1]}
			if w := valueLineRe.FindStringSubmatch(was); w != nil {
				s.old = w[1]
			}
			return s, s.old != s.new
		}
	}
	if isConfigFile(p) {
		text, was = stripComment(text), stripComment(was)
		ext := strings.ToLower(path.Ext(p))
		if m := limitLineRe.FindStringSubmatch(text); m != nil && (ext == ".yaml" || ext == ".yml") {
			s := setting{kind: SettingRuntime, key: m[1] + " limit", new: m[2]}
			if w := limitLineRe.FindStringSubmatch(was); w != nil && w[1] == m[1] {
				s.old = w[2]
			}
			return s, s.old != s.new
		}
		m, w := keyValueRe.FindStringSubmatch(text), keyValueRe.FindStringSubmatch(was)
		if m == nil || w == nil || m[1] != w[1] || m[2] == w[2] {
			return setting{}, false
		}
		return setting{kind: SettingConfig, key: m[1], old: w[2], new: m[2]}, true
	}
	if strings.HasSuffix(p, ".go") && was != "" {
		return literalSetting(was, text)
	}
	return setting{}, false
}

// requirement parses a go.mod requirement line: "require m v" or, inside a
// block, "m v".
func requirement(line string) (mod, ver string, ok bool) {
	f := strings.Fields(strings.TrimSpace(strings.SplitN(line, "//", 2)[0]))
	if len(f) > 0 && f[0] == "require" {
		f = f[1:]
	}
	if len(f) != 2 || !strings.HasPrefix(f[1], "v") || !strings.Contains(f[0], ".") {
		return "", "", false
	}
	return f[0], f[1], true
}

// runtimeValue finds the runtime setting a line sets and its value.
func runtimeValue(line string) (key, val string) {
	if m := runtimeFnRe.FindStringSubmatch(line); m != nil {
		fn := m[0][:strings.Index(m[0], "(")]
		return runtimeFns[fn], strings.TrimSpace(m[1])
	}
	if m := runtimeKeyRe.FindStringSubmatch(line); m != nil {
		return m[1], m[2]
	}
	return "", ""
}

// isConfigFile reports files that hold settings rather than code.
func isConfigFile(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".yaml", ".yml", ".json", ".toml", ".ini", ".conf", ".cfg", ".env", ".properties":
		return true
	}
	return strings.HasPrefix(path.Base(p), ".env")
}

// literalSetting reports a Go line that differs from the one it replaced
// only in literals (numbers, strings, booleans, time units): a default, a
// constant or an argument. Its key is the line's first identifier.
func literalSetting(was, text string) (setting, bool) {
	ta, tb := goTokens(was), goTokens(text)
	if len(ta) != len(tb) || len(tb) == 0 {
		return setting{}, false
	}
	changed, text2 := false, false
	for i := range ta {
		if ta[i] == tb[i] {
			continue
		}
		if ta[i].tok != tb[i].tok || !isLiteral(ta[i]) || !isLiteral(tb[i]) {
			return setting{}, false
		}
		changed = true
		text2 = text2 || tb[i].tok == token.STRING || tb[i].tok == token.CHAR
	}
	// A changed string counts only where a value is named (a constant, a
	// variable, a keyed field): in a call it is more often a message.
	if !changed || text2 && !assigns(tb) {
		return setting{}, false
	}
	key := ""
	for _, t := range tb {
		if t.tok == token.IDENT && t.lit != "const" && t.lit != "var" {
			key = t.lit
			break
		}
	}
	var pkgs []string
	for i := 0; i+1 < len(tb); i++ {
		if tb[i].tok == token.IDENT && tb[i+1].tok == token.PERIOD && tb[i].lit != "time" {
			pkgs = append(pkgs, tb[i].lit)
		}
	}
	return setting{kind: SettingDefault, key: key, old: valuePart(was), new: valuePart(text), pkgs: strings.Join(pkgs, " ")}, key != ""
}

// isLiteral reports a token that is a value, not a name: a basic literal,
// a boolean, or a unit of package time.
func isLiteral(l lexeme) bool {
	switch l.tok {
	case token.INT, token.FLOAT, token.STRING, token.CHAR, token.IMAG:
		return true
	case token.IDENT:
		switch l.lit {
		case "true", "false", "Nanosecond", "Microsecond", "Millisecond", "Second", "Minute", "Hour":
			return true
		}
	}
	return false
}

// valuePart is what a line assigns: after its first "=" or ":", without
// a trailing comma or comment.
func valuePart(line string) string {
	line = strings.TrimSpace(strings.SplitN(line, "//", 2)[0])
	if i := strings.IndexAny(line, "=:"); i >= 0 {
		line = strings.TrimPrefix(line[i+1:], "=") // ":="
	}
	return strings.TrimSuffix(strings.TrimSpace(line), ",")
}

// stripComment drops a trailing "# comment" of a configuration line.
func stripComment(line string) string {
	if strings.HasPrefix(strings.TrimSpace(line), "#") {
		return ""
	}
	if i := strings.Index(line, " #"); i >= 0 {
		return strings.TrimRight(line[:i], " \t")
	}
	return line
}

// assigns reports a line that names the value it sets: "const X =",
// "var X =", "x := ", "x = " or a keyed field "X: ".
func assigns(ts []lexeme) bool {
	if len(ts) >= 2 && (ts[0].lit == "const" || ts[0].lit == "var") {
		return true
	}
	return len(ts) >= 2 && ts[0].tok == token.IDENT &&
		(ts[1].tok == token.DEFINE || ts[1].tok == token.ASSIGN || ts[1].tok == token.COLON)
}
