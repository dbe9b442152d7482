package skills

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

// Skill is one investigation step: a named, self-describing function from
// JSON arguments to a short human summary plus structured data.
type Skill interface {
	// Info describes the skill and its arguments.
	Info() Info
	// Run executes the skill with JSON arguments that match Info().Schema.
	Run(ctx context.Context, input json.RawMessage) (Output, error)
}

// Info is what callers (playbooks, the LLM agent, MCP clients) know about a
// skill before they call it.
type Info struct {
	// Name is the skill's stable identifier, e.g. "profile_diff".
	Name string `json:"name"`
	// Description is one sentence saying what the skill does.
	Description string `json:"description"`
	// Schema is the JSON Schema of the skill's arguments.
	Schema json.RawMessage `json:"schema"`
}

// Output is the result of one skill run.
type Output struct {
	// Summary is a short line an engineer reads in a chat thread.
	Summary string `json:"summary"`
	// Data is the structured result for the next step; it must encode to
	// JSON.
	Data any `json:"data,omitempty"`
}

// funcSkill adapts a typed function to Skill.
type funcSkill[In any] struct {
	info Info
	run  func(context.Context, In) (Output, error)
}

// New returns a Skill that decodes its JSON arguments strictly into In
// (unknown fields are an error, required fields of the schema must be
// present) and calls run.
func New[In any](info Info, run func(context.Context, In) (Output, error)) Skill {
	return &funcSkill[In]{info: info, run: run}
}

func (s *funcSkill[In]) Info() Info { return s.info }

func (s *funcSkill[In]) Run(ctx context.Context, input json.RawMessage) (Output, error) {
	var in In
	if err := decodeArgs(s.info.Schema, input, &in); err != nil {
		return Output{}, fmt.Errorf("decode %s arguments: %w", s.info.Name, err)
	}
	return s.run(ctx, in)
}

// decodeArgs checks the schema's required properties and decodes input into
// dst, rejecting unknown fields.
func decodeArgs(schema, input json.RawMessage, dst any) error {
	if len(bytes.TrimSpace(input)) == 0 {
		input = json.RawMessage("{}")
	}
	var present map[string]json.RawMessage
	if err := json.Unmarshal(input, &present); err != nil {
		return fmt.Errorf("arguments are not a JSON object: %w", err)
	}
	var sch struct {
		Required []string `json:"required"`
	}
	if len(schema) > 0 {
		if err := json.Unmarshal(schema, &sch); err != nil {
			return fmt.Errorf("parse schema: %w", err)
		}
	}
	for _, name := range sch.Required {
		if v, ok := present[name]; !ok || string(v) == "null" {
			return fmt.Errorf("missing required argument %q", name)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(input))
	dec.DisallowUnknownFields()
	return dec.Decode(dst)
}
