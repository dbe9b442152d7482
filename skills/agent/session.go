package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/openai/openai-go/v3"

	"github.com/wattson-dev/wattson/prompts"
	"github.com/wattson-dev/wattson/skills"
)

// Why a model run stopped early.
var (
	// ErrOverBudget: the next call would exceed the token budget, or the
	// last one did.
	ErrOverBudget = errors.New("over the token budget")
	// ErrModelFailed: the server could not be reached or answered with an
	// error.
	ErrModelFailed = errors.New("model unavailable")
	// ErrMaxSteps: the model used all its turns without concluding.
	ErrMaxSteps = errors.New("out of model turns")
	// ErrRepeating: the model kept repeating an identical tool call.
	ErrRepeating = errors.New("model repeated an identical tool call")
)

// maxRepeats is how many repeated identical tool calls are answered with an
// error before the run stops.
const maxRepeats = 2

// session is one conversation with the model.
type session struct {
	a       *Agent
	msgs    []openai.ChatCompletionMessageParamUnion
	tools   []openai.ChatCompletionToolUnionParam
	usage   Usage
	steps   []skills.StepRecord
	seen    map[string]string // call key → step id
	repeats int
	// answer and concl are the model's final words.
	answer string
	concl  *conclusion
}

func (a *Agent) newSession(system, user string, withTools bool) (*session, error) {
	s := &session{a: a, seen: map[string]string{}, usage: Usage{Model: a.cfg.Model, Budget: a.cfg.TokenBudget}}
	s.msgs = []openai.ChatCompletionMessageParamUnion{openai.SystemMessage(system), openai.UserMessage(user)}
	if withTools {
		tools, err := a.toolSpecs()
		if err != nil {
			return nil, err
		}
		s.tools = tools
	}
	return s, nil
}

// complete sends the conversation once, within the budget, and counts the
// usage the server reports.
func (s *session) complete(ctx context.Context) (*openai.ChatCompletion, error) {
	cfg := s.a.cfg
	est := s.promptEstimate() + cfg.MaxOutputTokens
	if int(s.usage.TotalTokens)+est > cfg.TokenBudget {
		return nil, fmt.Errorf("%w: %d tokens used, the next call needs about %d, the budget is %d", ErrOverBudget, s.usage.TotalTokens, est, cfg.TokenBudget)
	}
	params := openai.ChatCompletionNewParams{
		Model:       cfg.Model,
		Messages:    s.msgs,
		Temperature: openai.Float(0),
	}
	if cfg.LegacyMaxTokens {
		params.MaxTokens = openai.Int(int64(cfg.MaxOutputTokens))
	} else {
		params.MaxCompletionTokens = openai.Int(int64(cfg.MaxOutputTokens))
	}
	if len(s.tools) > 0 {
		params.Tools = s.tools
	}
	s.usage.Calls++
	start := s.a.now()
	resp, err := s.a.chat.New(ctx, params)
	if err != nil {
		s.usage.Failed++
		s.a.log.Warn("model call failed", "err", err, "after", s.a.now().Sub(start))
		return nil, fmt.Errorf("%w: %s", ErrModelFailed, describeModelError(err))
	}
	s.usage.PromptTokens += resp.Usage.PromptTokens
	s.usage.CompletionTokens += resp.Usage.CompletionTokens
	s.usage.TotalTokens += resp.Usage.TotalTokens
	if len(resp.Choices) == 0 {
		return nil, fmt.Errorf("%w: the server returned no choices", ErrModelFailed)
	}
	if int(s.usage.TotalTokens) > cfg.TokenBudget {
		return resp, fmt.Errorf("%w: %d tokens used of %d", ErrOverBudget, s.usage.TotalTokens, cfg.TokenBudget)
	}
	return resp, nil
}

// describeModelError says what went wrong with the server in words safe
// for a channel (no URLs or keys).
func describeModelError(err error) string {
	var apiErr *openai.Error
	switch {
	case errors.As(err, &apiErr):
		return fmt.Sprintf("the server answered HTTP %d", apiErr.StatusCode)
	case errors.Is(err, context.DeadlineExceeded):
		return "the request timed out"
	case errors.Is(err, context.Canceled):
		return "the request was cancelled"
	}
	return "the server could not be reached"
}

// promptEstimate approximates the next request's prompt tokens: about
// four bytes of JSON per token, which overestimates for English text.
func (s *session) promptEstimate() int {
	n := 0
	for _, m := range s.msgs {
		b, _ := json.Marshal(m)
		n += len(b)
	}
	for _, t := range s.tools {
		b, _ := json.Marshal(t)
		n += len(b)
	}
	return n / 4
}

// loop runs the tool loop until the model concludes or answers without a
// tool call, or a limit stops it.
func (s *session) loop(ctx context.Context) error {
	for turn := 0; ; turn++ {
		if turn >= s.a.cfg.MaxSteps {
			return fmt.Errorf("%w: %d turns (llm.max_steps)", ErrMaxSteps, s.a.cfg.MaxSteps)
		}
		resp, err := s.complete(ctx)
		if err != nil {
			return err
		}
		msg := resp.Choices[0].Message
		if len(msg.ToolCalls) == 0 {
			s.answer = strings.TrimSpace(msg.Content)
			return nil
		}
		s.msgs = append(s.msgs, msg.ToParam())
		for _, tc := range msg.ToolCalls {
			if err := s.toolCall(ctx, tc); err != nil {
				return err
			}
		}
		if s.concl != nil {
			return nil
		}
	}
}

// toolCall handles one tool call and appends its result to the
// conversation.
func (s *session) toolCall(ctx context.Context, tc openai.ChatCompletionMessageToolCallUnion) error {
	name, args := tc.Function.Name, json.RawMessage(tc.Function.Arguments)
	if len(strings.TrimSpace(string(args))) == 0 {
		args = json.RawMessage("{}")
	}
	if tc.Type != "" && tc.Type != "function" {
		name = tc.Type + ":" + tc.Custom.Name
	}
	if name == toolConclude {
		var c conclusion
		if err := json.Unmarshal(args, &c); err != nil || strings.TrimSpace(c.Answer) == "" {
			s.reply(tc.ID, prompts.ToolResultData{Tool: toolConclude, StepID: "-", Error: "conclude needs a JSON object with a non-empty answer"})
			return nil
		}
		s.concl = &c
		s.reply(tc.ID, prompts.ToolResultData{Tool: toolConclude, StepID: "-", Summary: "noted"})
		return nil
	}
	key := callKey(name, args)
	if prev, ok := s.seen[key]; ok {
		s.repeats++
		if s.repeats > maxRepeats {
			return fmt.Errorf("%w (%s)", ErrRepeating, clip(name, 64))
		}
		s.reply(tc.ID, prompts.ToolResultData{Tool: clip(name, 64), StepID: prev, Error: fmt.Sprintf("repeated identical call: its result is step [%s] above; change the arguments or conclude", prev)})
		return nil
	}
	id := fmt.Sprintf("t%d", len(s.steps)+1)
	s.seen[key] = id
	rec := skills.StepRecord{ID: id, Skill: clip(name, 64), Input: args}
	if !json.Valid(args) {
		rec.Input = nil
	}
	start := s.a.now()
	out, err := s.a.runTool(ctx, name, args)
	rec.Duration = s.a.now().Sub(start)
	res := prompts.ToolResultData{Tool: rec.Skill, StepID: id}
	if err != nil {
		rec.Error = err.Error()
		res.Error = rec.Error
	} else {
		rec.Summary = out.Summary
		res.Summary = out.Summary
		if out.Data != nil {
			b, err := json.Marshal(out.Data)
			if err != nil {
				b = []byte(fmt.Sprintf("encode output: %v", err))
			}
			rec.Output = b
			res.Data = clipData(b)
		}
	}
	s.steps = append(s.steps, rec)
	s.reply(tc.ID, res)
	return ctx.Err()
}

// clipData bounds a tool's data for the model.
func clipData(b []byte) string {
	if len(b) <= maxToolData {
		return string(b)
	}
	return strings.ToValidUTF8(string(b[:maxToolData]), "") + fmt.Sprintf(" …[%d more bytes cut]", len(b)-maxToolData)
}

// reply appends a tool result message.
func (s *session) reply(callID string, d prompts.ToolResultData) {
	text, err := prompts.ToolResult(d)
	if err != nil {
		text = "tool result could not be rendered: " + err.Error()
	}
	s.msgs = append(s.msgs, openai.ToolMessage(text, callID))
}
