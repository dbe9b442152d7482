package skills

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// StepRecord is what an investigation remembers about one step.
type StepRecord struct {
	// ID is the step's output name; Skill is the skill it ran.
	ID    string `json:"id"`
	Skill string `json:"skill"`
	// Input is the resolved JSON arguments.
	Input json.RawMessage `json:"input,omitempty"`
	// Summary is the skill's short human summary.
	Summary string `json:"summary,omitempty"`
	// Output is the skill's structured data.
	Output json.RawMessage `json:"output,omitempty"`
	// Duration is how long the step took.
	Duration time.Duration `json:"duration"`
	// Error is set when the step failed or was skipped.
	Error string `json:"error,omitempty"`
}

// OK reports whether the step succeeded.
func (s StepRecord) OK() bool { return s.Error == "" }

// Run is the record of one playbook run.
type Run struct {
	// Playbook is the name of the playbook run.
	Playbook string `json:"playbook"`
	// Steps are the steps in order, including failed and skipped ones.
	Steps []StepRecord `json:"steps"`
	// StartedAt and FinishedAt bound the run.
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
}

// Step returns the record of the step with the given id.
func (r Run) Step(id string) (StepRecord, bool) {
	for _, s := range r.Steps {
		if s.ID == id {
			return s, true
		}
	}
	return StepRecord{}, false
}

// Runner executes playbooks over a registry.
type Runner struct {
	// OnStep, when set, is called with each step's record as it finishes,
	// so a caller can show progress.
	OnStep func(StepRecord)

	reg            *Registry
	log            *slog.Logger
	now            func() time.Time
	defaultTimeout time.Duration
}

// NewRunner returns a runner over reg. now is the clock; steps without a
// timeout of their own get defaultTimeout.
func NewRunner(reg *Registry, log *slog.Logger, now func() time.Time, defaultTimeout time.Duration) *Runner {
	return &Runner{reg: reg, log: log, now: now, defaultTimeout: defaultTimeout}
}

// Run executes pb with input available to references as "$input...". A
// failed or skipped step is recorded and the chain goes on: later steps
// that need its output are skipped, the others run. Run returns early only
// when ctx ends.
func (r *Runner) Run(ctx context.Context, pb Playbook, input map[string]any) Run {
	run := Run{Playbook: pb.Name, StartedAt: r.now()}
	scope := map[string]any{"input": input}
	failed := map[string]string{}
	for _, spec := range pb.Steps {
		if ctx.Err() != nil {
			run.Steps = append(run.Steps, StepRecord{ID: spec.id(), Skill: spec.Skill, Error: "skipped: " + ctx.Err().Error()})
			failed[spec.id()] = ctx.Err().Error()
			continue
		}
		rec := r.step(ctx, spec, scope, failed)
		run.Steps = append(run.Steps, rec)
		if r.OnStep != nil {
			r.OnStep(rec)
		}
		if rec.OK() {
			var decoded any
			if err := json.Unmarshal(rec.Output, &decoded); err == nil {
				scope[rec.ID] = decoded
			}
		} else {
			failed[rec.ID] = rec.Error
			r.log.Info("investigation step failed", "playbook", pb.Name, "step", rec.ID, "err", rec.Error)
		}
	}
	run.FinishedAt = r.now()
	return run
}

// step resolves, runs and records one step.
func (r *Runner) step(ctx context.Context, spec StepSpec, scope map[string]any, failed map[string]string) StepRecord {
	rec := StepRecord{ID: spec.id(), Skill: spec.Skill}
	args, err := resolve(spec.Args, scope)
	if err != nil {
		rec.Error = describeMissing(err, failed)
		return rec
	}
	if args == nil {
		args = map[string]any{}
	}
	rec.Input, err = json.Marshal(args)
	if err != nil {
		rec.Error = fmt.Sprintf("encode arguments: %v", err)
		return rec
	}
	sk, ok := r.reg.Get(spec.Skill)
	if !ok {
		rec.Error = fmt.Sprintf("skill %s is not available", spec.Skill)
		return rec
	}
	timeout := r.defaultTimeout
	if spec.Timeout != "" {
		if d, err := time.ParseDuration(spec.Timeout); err == nil {
			timeout = d
		}
	}
	sctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := r.now()
	out, err := runSafely(sctx, sk, rec.Input)
	rec.Duration = r.now().Sub(start)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && sctx.Err() != nil && ctx.Err() == nil {
			err = fmt.Errorf("timed out after %s: %w", timeout, err)
		}
		rec.Error = err.Error()
		return rec
	}
	rec.Summary = out.Summary
	rec.Output, err = json.Marshal(out.Data)
	if err != nil {
		rec.Error = fmt.Sprintf("encode output: %v", err)
	}
	return rec
}

// runSafely runs sk, turning a panic into an error so that one broken
// skill cannot take the investigation down.
func runSafely(ctx context.Context, sk Skill, input json.RawMessage) (out Output, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("skill %s panicked: %v", sk.Info().Name, p)
		}
	}()
	return sk.Run(ctx, input)
}
