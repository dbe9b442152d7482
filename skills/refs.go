package skills

import (
	"fmt"
	"strconv"
	"strings"
)

// ref is a "$step.path" reference inside step arguments.
type ref struct {
	raw      string
	step     string
	path     []string
	optional bool
}

// parseRef recognises a reference string; ok is false for plain strings.
func parseRef(s string) (ref, bool) {
	if !strings.HasPrefix(s, "$") || len(s) < 2 {
		return ref{}, false
	}
	r := ref{raw: s}
	body := s[1:]
	if strings.HasSuffix(body, "?") {
		r.optional = true
		body = strings.TrimSuffix(body, "?")
	}
	parts := strings.Split(body, ".")
	r.step, r.path = parts[0], parts[1:]
	return r, r.step != ""
}

// collectRefs lists the references anywhere inside v.
func collectRefs(v any) []ref {
	var out []ref
	switch x := v.(type) {
	case string:
		if r, ok := parseRef(x); ok {
			out = append(out, r)
		}
	case map[string]any:
		for _, e := range x {
			out = append(out, collectRefs(e)...)
		}
	case []any:
		for _, e := range x {
			out = append(out, collectRefs(e)...)
		}
	}
	return out
}

// errMissing reports a reference that has no value.
type errMissing struct{ ref string }

func (e errMissing) Error() string { return "no value for " + e.ref }

// resolve replaces references inside v with values from scope (step id →
// JSON-decoded output). Optional references without a value are dropped
// from maps.
func resolve(v any, scope map[string]any) (any, error) {
	switch x := v.(type) {
	case string:
		r, ok := parseRef(x)
		if !ok {
			return x, nil
		}
		val, found := lookup(scope, r)
		if !found {
			return nil, errMissing{r.raw}
		}
		return val, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			val, err := resolve(e, scope)
			if m, ok := err.(errMissing); ok && strings.HasSuffix(m.ref, "?") {
				continue
			}
			if err != nil {
				return nil, err
			}
			out[k] = val
		}
		return out, nil
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			val, err := resolve(e, scope)
			if err != nil {
				return nil, err
			}
			out = append(out, val)
		}
		return out, nil
	}
	return v, nil
}

// lookup walks r.path through maps and lists, starting at scope[r.step].
func lookup(scope map[string]any, r ref) (any, bool) {
	cur, ok := scope[r.step]
	if !ok {
		return nil, false
	}
	for _, p := range r.path {
		switch x := cur.(type) {
		case map[string]any:
			cur, ok = x[p]
		case []any:
			i, err := strconv.Atoi(p)
			ok = err == nil && i >= 0 && i < len(x)
			if ok {
				cur = x[i]
			}
		default:
			ok = false
		}
		if !ok || cur == nil {
			return nil, false
		}
	}
	return cur, true
}

// describeMissing explains why a step was skipped.
func describeMissing(err error, failed map[string]string) string {
	m, ok := err.(errMissing)
	if !ok {
		return err.Error()
	}
	r, _ := parseRef(m.ref)
	if why, bad := failed[r.step]; bad {
		return fmt.Sprintf("skipped: %s (step %s did not succeed: %s)", m.Error(), r.step, why)
	}
	return "skipped: " + m.Error()
}
