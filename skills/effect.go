package skills

// ReadOnlyDecl is an optional interface for a skill to declare whether it
// only reads (metrics, profiles, code, deploys) or changes something (opens
// a PR, reverts, approves). Callers that act without a human in the loop —
// the LLM agent and the MCP server — use only skills that IsReadOnly.
type ReadOnlyDecl interface {
	// ReadOnly reports whether running the skill changes nothing outside
	// Wattson.
	ReadOnly() bool
}

// IsReadOnly reports whether s only reads. A skill that implements
// ReadOnlyDecl says so itself; otherwise only the built-in read-only skills
// are, by name. Anything undeclared counts as changing, so a new skill that
// opens PRs is never handed to a model by accident.
func IsReadOnly(s Skill) bool {
	if d, ok := s.(ReadOnlyDecl); ok {
		return d.ReadOnly()
	}
	switch s.Info().Name {
	case "find_change_point", "deploys_in_window", "list_changes", "profile_diff",
		"rank_suspects", "estimate_impact", "find_opportunities", "verify_recovery":
		return true
	}
	return false
}

// ReadOnly returns s declared read-only. Use it for skills that are not
// built in and that only read.
func ReadOnly(s Skill) Skill { return readOnly{s} }

// readOnly marks a wrapped skill as read-only.
type readOnly struct{ Skill }

func (readOnly) ReadOnly() bool { return true }
