package skills

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

type echoArgs struct {
	Value any    `json:"value"`
	Sleep string `json:"sleep"`
	Fail  bool   `json:"fail"`
	Panic bool   `json:"panic"`
}

func echoSkill(name string) Skill {
	return New(Info{Name: name, Description: "Echoes its value.", Schema: json.RawMessage(`{"type":"object","required":["value"]}`)},
		func(ctx context.Context, in echoArgs) (Output, error) {
			if in.Panic {
				panic("boom")
			}
			if in.Sleep != "" {
				d, _ := time.ParseDuration(in.Sleep)
				select {
				case <-time.After(d):
				case <-ctx.Done():
					return Output{}, ctx.Err()
				}
			}
			if in.Fail {
				return Output{}, errors.New("failed on purpose")
			}
			return Output{Summary: "echoed", Data: map[string]any{"value": in.Value}}, nil
		})
}

func TestParsePlaybookValidates(t *testing.T) {
	bad := map[string]string{
		"no name":       "steps: [{skill: a}]",
		"no steps":      "name: x",
		"bad timeout":   "name: x\nsteps: [{skill: a, timeout: soon}]",
		"forward ref":   "name: x\nsteps: [{skill: a, args: {v: $b.value}}, {skill: b}]",
		"unknown field": "name: x\nsteps: [{skill: a, retries: 3}]",
	}
	for name, src := range bad {
		if _, err := ParsePlaybook([]byte(src)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	pbs, err := BuiltinPlaybooks()
	if err != nil || len(pbs) == 0 {
		t.Fatalf("built-in playbooks: %v, %d", err, len(pbs))
	}
}

func TestRunnerRecordsStepsAndGoesOn(t *testing.T) {
	reg := NewRegistry()
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		reg.Add(echoSkill(n))
	}
	pb, err := ParsePlaybook([]byte(`name: t
steps:
  - {skill: a, args: {value: $input.x}}
  - {skill: b, args: {value: 1, fail: true}}
  - {skill: c, args: {value: $b.value}}
  - {skill: d, timeout: 20ms, args: {value: 1, sleep: 1s}}
  - {skill: e, args: {value: $a.value, panic: false, fail: false}}
  - {id: e2, skill: e, args: {value: 1, panic: true}}
  - {id: opt, skill: a, args: {value: 2, sleep: "$b.value?"}}
  - {id: missing, skill: nosuch, args: {value: 1}}
`))
	if err != nil {
		t.Fatal(err)
	}
	runner := NewRunner(reg, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now, time.Second)
	var seen []string
	runner.OnStep = func(s StepRecord) { seen = append(seen, s.ID) }
	run := runner.Run(context.Background(), pb, map[string]any{"x": "hello"})
	if got := strings.Join(seen, ","); got != "a,b,c,d,e,e2,opt,missing" {
		t.Errorf("OnStep saw %s, want every step in order", got)
	}
	want := map[string]string{
		"a": "", "b": "failed on purpose", "c": "skipped: no value for $b.value", "d": "timed out",
		"e": "", "e2": "panicked", "opt": "", "missing": "not available",
	}
	for _, s := range run.Steps {
		w := want[s.ID]
		if (w == "") != (s.Error == "") || !strings.Contains(s.Error, w) {
			t.Errorf("step %s: error %q, want %q", s.ID, s.Error, w)
		}
	}
	if e, _ := run.Step("e"); !strings.Contains(string(e.Output), "hello") || len(e.Input) == 0 {
		t.Errorf("step e: input %s output %s", e.Input, e.Output)
	}
	if inv := Summarize(run); inv.Verdict != VerdictInconclusive {
		t.Errorf("verdict without ranking = %s", inv.Verdict)
	}
}

func TestRegistry(t *testing.T) {
	reg := NewRegistry()
	reg.Add(echoSkill("b"))
	reg.Add(echoSkill("a"))
	reg.LeaveOut("z", "no z configured")
	if infos := reg.Infos(); len(infos) != 2 || infos[0].Name != "a" {
		t.Errorf("infos = %+v", infos)
	}
	if u := reg.Unavailable(); len(u) != 1 || u[0].Reason != "no z configured" {
		t.Errorf("unavailable = %+v", u)
	}
	s, _ := reg.Get("a")
	if _, err := s.Run(context.Background(), json.RawMessage(`{}`)); err == nil {
		t.Error("missing required argument accepted")
	}
	if _, err := s.Run(context.Background(), json.RawMessage(`{"value":1,"extra":2}`)); err == nil {
		t.Error("unknown argument accepted")
	}
}
