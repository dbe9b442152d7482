package skills

import (
	"fmt"
	"sort"
)

// Unavailable records a skill left out of a registry and why, so that
// `wattson skills` can tell an operator what to configure.
type Unavailable struct {
	// Name is the skill's name.
	Name string `json:"name"`
	// Reason says which dependency is missing, e.g. "no code host: set
	// --repo or github.repos".
	Reason string `json:"reason"`
}

// Registry is the set of skills available with one configuration. It is
// built explicitly by cmd; nothing registers itself.
type Registry struct {
	skills  map[string]Skill
	order   []string
	missing []Unavailable
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{skills: map[string]Skill{}}
}

// Add makes s available. Adding two skills of the same name is a
// programming error and panics.
func (r *Registry) Add(s Skill) {
	name := s.Info().Name
	if _, dup := r.skills[name]; dup {
		panic(fmt.Sprintf("skills: duplicate skill %q", name))
	}
	r.skills[name] = s
	r.order = append(r.order, name)
}

// LeaveOut records that the skill name is not available and why.
func (r *Registry) LeaveOut(name, reason string) {
	r.missing = append(r.missing, Unavailable{Name: name, Reason: reason})
}

// Get returns the skill called name.
func (r *Registry) Get(name string) (Skill, bool) {
	s, ok := r.skills[name]
	return s, ok
}

// Infos describes the available skills, sorted by name.
func (r *Registry) Infos() []Info {
	infos := make([]Info, 0, len(r.order))
	for _, name := range r.order {
		infos = append(infos, r.skills[name].Info())
	}
	sort.Slice(infos, func(i, j int) bool { return infos[i].Name < infos[j].Name })
	return infos
}

// Unavailable lists the skills left out and why, sorted by name.
func (r *Registry) Unavailable() []Unavailable {
	out := append([]Unavailable(nil), r.missing...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
