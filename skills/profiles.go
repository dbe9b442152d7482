package skills

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/pprof/profile"
)

// ProfileRef names one stored CPU profile of a service.
type ProfileRef struct {
	// Service is the profiled service.
	Service string `json:"service"`
	// Time is when the profile was captured.
	Time time.Time `json:"time"`
	// Source is where it is kept (a file path or URL).
	Source string `json:"source"`
}

// ProfileSource serves stored CPU profiles.
type ProfileSource interface {
	// List returns the service's profiles, oldest first.
	List(ctx context.Context, service string) ([]ProfileRef, error)
	// Load parses one profile.
	Load(ctx context.Context, ref ProfileRef) (*profile.Profile, error)
}

// ProfileDiffResult is profile_diff's output.
type ProfileDiffResult struct {
	// Service, Module and Pct are the inputs the diff used.
	Service string  `json:"service"`
	Module  string  `json:"module,omitempty"`
	Pct     float64 `json:"pct"`
	// Before and After are the profiles compared.
	Before ProfileRef `json:"before"`
	After  ProfileRef `json:"after"`
	ProfileDiff
}

// ErrNoProfile reports that no profile brackets the change.
var ErrNoProfile = errors.New("no profile")

// rolloutMargin is how long after a deploy starts an after profile is
// preferred to be taken, so that it comes from an updated replica.
const rolloutMargin = 10 * time.Minute

// pickProfiles chooses the last profile before at and the first after it
// (preferring one taken once the rollout is done).
func pickProfiles(refs []ProfileRef, at time.Time) (before, after ProfileRef, err error) {
	var haveB, haveA, haveLate bool
	for _, r := range refs {
		switch {
		case r.Time.Before(at):
			if !haveB || r.Time.After(before.Time) {
				before, haveB = r, true
			}
		case !r.Time.Before(at.Add(rolloutMargin)):
			if !haveLate || r.Time.Before(after.Time) {
				after, haveA, haveLate = r, true, true
			}
		case !haveLate:
			if !haveA || r.Time.Before(after.Time) {
				after, haveA = r, true
			}
		}
	}
	if !haveB {
		return before, after, fmt.Errorf("find profile before %s: %w", at.Format(time.RFC3339), ErrNoProfile)
	}
	if !haveA {
		return before, after, fmt.Errorf("find profile after %s: %w", at.Format(time.RFC3339), ErrNoProfile)
	}
	return before, after, nil
}

type profileDiffArgs struct {
	Service string    `json:"service"`
	At      time.Time `json:"at"`
	Pct     float64   `json:"pct"`
	Module  string    `json:"module"`
}

// NewProfileDiff returns the profile_diff skill over src.
func NewProfileDiff(src ProfileSource) Skill {
	info := Info{
		Name:        "profile_diff",
		Description: "Compares the service's CPU profiles from before and after a time and lists the functions whose own CPU share rose beyond sampling noise.",
		Schema: json.RawMessage(`{"type":"object","required":["service","at"],"properties":{
"service":{"type":"string","description":"service name (profiles/<service>/)"},
"at":{"type":"string","format":"date-time","description":"change time: compare the last profile before it with the first after it"},
"pct":{"type":"number","description":"regression size in percent, to compare costs per request"},
"module":{"type":"string","description":"Go module path of the service; its functions are the service's own code"}}}`),
	}
	return New(info, func(ctx context.Context, in profileDiffArgs) (Output, error) {
		refs, err := src.List(ctx, in.Service)
		if err != nil {
			return Output{}, fmt.Errorf("list profiles: %w", err)
		}
		b, a, err := pickProfiles(refs, in.At)
		if err != nil {
			return Output{}, err
		}
		bp, err := src.Load(ctx, b)
		if err != nil {
			return Output{}, fmt.Errorf("load before profile: %w", err)
		}
		ap, err := src.Load(ctx, a)
		if err != nil {
			return Output{}, fmt.Errorf("load after profile: %w", err)
		}
		d, err := DiffProfiles(bp, ap, DiffOptions{Module: in.Module, Pct: in.Pct})
		if err != nil {
			return Output{}, err
		}
		res := ProfileDiffResult{Service: in.Service, Module: in.Module, Pct: in.Pct, Before: b, After: a, ProfileDiff: d}
		return Output{Summary: summarizeDiff(res), Data: res}, nil
	})
}

func summarizeDiff(r ProfileDiffResult) string {
	if len(r.Regressed) == 0 {
		if len(r.Candidates) == 0 {
			return "no function got slower between the profiles"
		}
		f := r.Candidates[0]
		return fmt.Sprintf("no function got slower beyond noise; largest rise %s %+.1f%% (z=%.1f)", shortFunc(f.Name, r.Module), 100*f.DeltaOwn, f.Z)
	}
	parts := make([]string, 0, 3)
	for i, f := range r.Regressed {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("%d more", len(r.Regressed)-3))
			break
		}
		parts = append(parts, fmt.Sprintf("%s %+.1f%% (z=%.1f)", shortFunc(f.Name, r.Module), 100*f.DeltaOwn, f.Z))
	}
	return "slower: " + strings.Join(parts, ", ") + " of CPU per request"
}
