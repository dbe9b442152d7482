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
	sc, err := s.Survey(ctx, service)
	return sc.Findings, err
}

// Scanned is what one scan of a service read and found.
type Scanned struct {
	// Findings are the patterns found, ranked by savings, as Scan returns
	// them.
	Findings []Finding
	// Measured is every hit of a pattern, also those below the pattern's
	// threshold and the minimum share, ranked: what a pattern still costs
	// after a fix. A pattern absent from it no longer reaches the function.
	Measured []Finding
	// Oldest and Newest are when the oldest and the newest profile read
	// were captured, so that a fix merged at some time is judged only by
	// profiles taken after it.
	Oldest, Newest time.Time
}

// Survey scans service's recent profiles like Scan and also reports which
// profiles it read and what every pattern costs in them.
func (s *Scanner) Survey(ctx context.Context, service string) (Scanned, error) {
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
	var (
		sc    Scanned
		profs []Profile
	)
	for _, kind := range []string{KindCPU, KindMutex, KindBlock} {
		refs, err := s.Source.ListKind(ctx, service, kind)
		if err != nil {
			if kind == KindCPU {
				return Scanned{}, fmt.Errorf("scan %s: %w", service, err)
			}
			continue
		}
		for _, ref := range recent(refs, now().Add(-window), most) {
			p, err := s.Source.LoadKind(ctx, ref)
			if err != nil {
				return Scanned{}, fmt.Errorf("scan %s: %w", service, err)
			}
			profs = append(profs, Profile{Kind: kind, Profile: p})
			sc.span(captured(ref, p))
		}
	}
	if len(profs) == 0 {
		return Scanned{}, fmt.Errorf("scan %s: %w", service, skills.ErrNoProfile)
	}
	o := Options{}
	if s.Scale != nil {
		o = s.Scale(service)
	}
	o.Service = service
	var err error
	sc.Findings, sc.Measured, err = measure(profs, s.Patterns, o)
	if err != nil {
		return Scanned{}, err
	}
	return sc, nil
}

// span widens Oldest and Newest to take in a profile captured at t.
func (sc *Scanned) span(t time.Time) {
	if t.IsZero() {
		return
	}
	if sc.Oldest.IsZero() || t.Before(sc.Oldest) {
		sc.Oldest = t
	}
	if t.After(sc.Newest) {
		sc.Newest = t
	}
}

// captured is when a profile was taken: the time its ref was listed
// under, or else the time the profile itself records.
func captured(ref skills.ProfileRef, p *profile.Profile) time.Time {
	if !ref.Time.IsZero() {
		return ref.Time.UTC()
	}
	if p.TimeNanos > 0 {
		return time.Unix(0, p.TimeNanos).UTC()
	}
	return time.Time{}
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
