package opportunity

import (
	"context"
	"fmt"
	"time"

	"github.com/google/pprof/profile"

	"github.com/wattson-dev/wattson/skills"
)

// Source lists and loads a service's stored profiles by kind (cpu, mutex,
// block); skills/pprofdir's Dir is one.
type Source interface {
	ListKind(ctx context.Context, service, kind string) ([]skills.ProfileRef, error)
	LoadKind(ctx context.Context, ref skills.ProfileRef) (*profile.Profile, error)
}

// Scanner reads a service's recent profiles and finds patterns in them.
type Scanner struct {
	// Source serves the profiles.
	Source Source
	// Patterns are looked for.
	Patterns []Pattern
	// Scale gives a service's instance count, watts per core and minimum
	// share; nil scales nothing.
	Scale func(service string) Options
	// Window is how far back profiles count; 0 means 24 hours. When none
	// is that recent, the newest one is used.
	Window time.Duration
	// MaxProfiles bounds the profiles read per kind; 0 means 5.
	MaxProfiles int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Scan finds the patterns in service's recent profiles, ranked by savings.
func (s *Scanner) Scan(ctx context.Context, service string) ([]Finding, error) {
	now, window, most := time.Now, s.Window, s.MaxProfiles
	if s.Now != nil {
		now = s.Now
	}
	if window <= 0 {
		window = 24 * time.Hour
	}
	if most <= 0 {
		most = 5
	}
	var profs []Profile
	for _, kind := range []string{KindCPU, KindMutex, KindBlock} {
		refs, err := s.Source.ListKind(ctx, service, kind)
		if err != nil {
			if kind == KindCPU {
				return nil, fmt.Errorf("scan %s: %w", service, err)
			}
			continue
		}
		for _, ref := range recent(refs, now().Add(-window), most) {
			p, err := s.Source.LoadKind(ctx, ref)
			if err != nil {
				return nil, fmt.Errorf("scan %s: %w", service, err)
			}
			profs = append(profs, Profile{Kind: kind, Profile: p})
		}
	}
	if len(profs) == 0 {
		return nil, fmt.Errorf("scan %s: %w", service, skills.ErrNoProfile)
	}
	o := Options{}
	if s.Scale != nil {
		o = s.Scale(service)
	}
	o.Service = service
	return Find(profs, s.Patterns, o)
}

// recent keeps the newest most refs taken after since, or the newest one
// when none is.
func recent(refs []skills.ProfileRef, since time.Time, most int) []skills.ProfileRef {
	var out []skills.ProfileRef
	for i := len(refs) - 1; i >= 0 && len(out) < most; i-- {
		if refs[i].Time.After(since) {
			out = append(out, refs[i])
		}
	}
	if len(out) == 0 && len(refs) > 0 {
		out = refs[len(refs)-1:]
	}
	return out
}
