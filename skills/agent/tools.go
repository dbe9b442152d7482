package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/shared"

	"github.com/wattson-dev/wattson/skills"
)

// Names of the tools the agent adds to the registry's skills.
const (
	toolReadSkill = "read_skill"
	toolConclude  = "conclude"
)

// maxToolData bounds the structured data a tool result hands back to the
// model, in bytes, so that one large profile diff cannot eat the budget.
const maxToolData = 6000

// concludeSchema is the final answer's shape.
const concludeSchema = `{"type":"object","required":["answer"],"properties":{
"answer":{"type":"string","description":"the message for the team's channel, under 150 words"},
"facts":{"type":"array","items":{"type":"object","required":["claim","steps"],"properties":{"claim":{"type":"string"},"steps":{"type":"array","items":{"type":"string"},"description":"ids of the steps whose output shows it, e.g. s3, t1"}}}},
"hypotheses":{"type":"array","items":{"type":"string"}},
"suspect":{"type":"string","description":"sha of the commit you think caused it, if any"},
"suggest":{"type":"string","enum":["none","revert","fix"],"description":"a change for a human to approve; nothing is done by you"},
"fix_draft":{"type":"string","description":"a short draft of a code fix, if suggest is fix"}}}`

// conclusion is conclude's arguments.
type conclusion struct {
	Answer string `json:"answer"`
	Facts  []struct {
		Claim string   `json:"claim"`
		Steps []string `json:"steps"`
	} `json:"facts"`
	Hypotheses []string `json:"hypotheses"`
	Suspect    string   `json:"suspect"`
	Suggest    string   `json:"suggest"`
	FixDraft   string   `json:"fix_draft"`
}

// toolSpecs returns the tools offered to the model: the read-only skills
// by name, read_skill when there are guides, and conclude.
func (a *Agent) toolSpecs() ([]openai.ChatCompletionToolUnionParam, error) {
	var tools []openai.ChatCompletionToolUnionParam
	add := func(name, desc string, schema json.RawMessage) error {
		params := shared.FunctionParameters{}
		if len(schema) > 0 {
			if err := json.Unmarshal(schema, &params); err != nil {
				return fmt.Errorf("decode schema of %s: %w", name, err)
			}
		}
		tools = append(tools, openai.ChatCompletionFunctionTool(shared.FunctionDefinitionParam{
			Name: name, Description: openai.String(desc), Parameters: params,
		}))
		return nil
	}
	for _, in := range a.reg.Infos() {
		sk, _ := a.reg.Get(in.Name)
		if !skills.IsReadOnly(sk) {
			continue
		}
		if err := add(in.Name, in.Description, in.Schema); err != nil {
			return nil, err
		}
	}
	if names := a.guideNames(); len(names) > 0 {
		enum, _ := json.Marshal(names)
		schema := fmt.Sprintf(`{"type":"object","required":["name"],"properties":{"name":{"type":"string","enum":%s},"reference":{"type":"string","description":"a file under the guide's references/, when the guide points to one"}}}`, enum)
		if err := add(toolReadSkill, "Reads an expert guide (instructions for a kind of Go performance problem) by name.", json.RawMessage(schema)); err != nil {
			return nil, err
		}
	}
	if err := add(toolConclude, "Ends the investigation with your answer. Facts must cite step ids; anything else is a hypothesis.", json.RawMessage(concludeSchema)); err != nil {
		return nil, err
	}
	return tools, nil
}

func (a *Agent) guideNames() []string {
	var names []string
	for _, s := range a.lib.List() {
		names = append(names, s.Name)
	}
	return names
}

// errToolRefused reports a tool the model may not call.
var errToolRefused = errors.New("not callable")

// runTool executes one tool call of the model and returns the skill's
// output. Unknown tools, changing skills, bad arguments, failures and
// timeouts are errors, which go back to the model as the tool's result.
func (a *Agent) runTool(ctx context.Context, name string, args json.RawMessage) (skills.Output, error) {
	if name == toolReadSkill {
		return a.readSkill(args)
	}
	sk, ok := a.reg.Get(name)
	if !ok {
		return skills.Output{}, fmt.Errorf("unknown tool %q; the tools are: %s", clip(name, 64), strings.Join(a.toolNames(), ", "))
	}
	if !skills.IsReadOnly(sk) {
		return skills.Output{}, fmt.Errorf("%s changes things and is %w by you; say in conclude (suggest revert or fix) what you would propose, and a human decides", name, errToolRefused)
	}
	if !json.Valid(args) {
		return skills.Output{}, fmt.Errorf("arguments of %s are not valid JSON: %s", name, clip(string(args), 200))
	}
	tctx, cancel := context.WithTimeout(ctx, a.cfg.ToolTimeout)
	defer cancel()
	out, err := runSafely(tctx, sk, args)
	if err != nil && tctx.Err() != nil && ctx.Err() == nil {
		return out, fmt.Errorf("%s timed out after %s: %w", name, a.cfg.ToolTimeout, err)
	}
	return out, err
}

// toolNames lists what the model may call, for error messages.
func (a *Agent) toolNames() []string {
	var names []string
	for _, in := range a.reg.Infos() {
		if sk, _ := a.reg.Get(in.Name); skills.IsReadOnly(sk) {
			names = append(names, in.Name)
		}
	}
	if len(a.guideNames()) > 0 {
		names = append(names, toolReadSkill)
	}
	names = append(names, toolConclude)
	sort.Strings(names)
	return names
}

// readSkill returns a guide's body or one of its references.
func (a *Agent) readSkill(args json.RawMessage) (skills.Output, error) {
	var in struct {
		Name      string `json:"name"`
		Reference string `json:"reference"`
	}
	dec := json.NewDecoder(bytes.NewReader(args))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return skills.Output{}, fmt.Errorf("decode read_skill arguments: %w", err)
	}
	if in.Reference != "" {
		text, err := a.lib.Reference(in.Name, in.Reference)
		return skills.Output{Summary: text}, err
	}
	body, err := a.lib.Body(in.Name)
	if err != nil {
		return skills.Output{}, fmt.Errorf("%w; the guides are: %s", err, strings.Join(a.guideNames(), ", "))
	}
	if sk, ok := a.lib.Get(in.Name); ok && len(sk.References) > 0 {
		body += "\n\nReferences (read with reference=...): " + strings.Join(sk.References, ", ")
	}
	return skills.Output{Summary: body}, nil
}

// runSafely runs sk, turning a panic into an error.
func runSafely(ctx context.Context, sk skills.Skill, args json.RawMessage) (out skills.Output, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("skill %s panicked: %v", sk.Info().Name, p)
		}
	}()
	return sk.Run(ctx, args)
}

// callKey identifies a tool call by name and canonical arguments, to spot
// repeats.
func callKey(name string, args json.RawMessage) string {
	var v any
	if json.Unmarshal(args, &v) == nil {
		if b, err := json.Marshal(v); err == nil { // maps marshal with sorted keys
			return name + " " + string(b)
		}
	}
	return name + " " + string(args)
}

// clip shortens s to n bytes for messages.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
