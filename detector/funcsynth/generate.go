package funcsynth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/google/pprof/profile"
)

// The kinds of case.
const (
	KindStep       = "step"        // a function got slower: a regression
	KindRename     = "rename"      // a function renamed: samples move to a new name, same lines
	KindInline     = "inline"      // a callee inlined: its samples move into its caller
	KindTransient  = "transient"   // a spike of a few points that goes away
	KindTrafficMix = "traffic_mix" // one endpoint's share of requests grows
	KindNone       = "none"        // nothing happens
)

// NuisanceKinds are the kinds that are not regressions.
var NuisanceKinds = []string{KindRename, KindInline, KindTransient, KindTrafficMix, KindNone}

// Config shapes a data set; zero fields take their defaults.
type Config struct {
	// Seed makes the set reproducible.
	Seed uint64
	// Start is the first profile's time (default 2026-01-05T00:00:00Z).
	Start time.Time
	// Points and Step are how many profiles per service and how far apart
	// (defaults 432 and 10m: three days).
	Points int
	Step   time.Duration
	// Functions is the size of each service's call tree (default 40).
	Functions int
	// Samples is how many samples a profile holds at peak traffic
	// (default 3000: 10 s of 3 busy cores at 100 Hz).
	Samples float64
	// Noise is the standard deviation of the log of a common per-profile
	// factor on CPU per request (default 0.03), the request-to-request
	// variation every profile averages over.
	Noise float64
	// Effects are the planted steps' service-level effects in percent
	// (default 0.1, 0.25, 0.5, 1, 2, 5).
	Effects []float64
	// PerEffect and PerNuisance are how many services get each effect and
	// each nuisance kind (defaults 6 and 6).
	PerEffect, PerNuisance int
}

func (c Config) withDefaults() Config {
	if c.Start.IsZero() {
		c.Start = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	}
	if c.Points <= 0 {
		c.Points = 432
	}
	if c.Step <= 0 {
		c.Step = 10 * time.Minute
	}
	if c.Functions <= 0 {
		c.Functions = 40
	}
	if c.Samples <= 0 {
		c.Samples = 3000
	}
	if c.Noise <= 0 {
		c.Noise = 0.03
	}
	if c.Effects == nil {
		c.Effects = []float64{0.1, 0.25, 0.5, 1, 2, 5}
	}
	if c.PerEffect <= 0 {
		c.PerEffect = 6
	}
	if c.PerNuisance <= 0 {
		c.PerNuisance = 6
	}
	return c
}

// Case is one service's planted truth.
type Case struct {
	// Service names the service.
	Service string `json:"service"`
	// Kind is one of the Kind constants.
	Kind string `json:"kind"`
	// Function is the function stepped, renamed, spiked or inlined away.
	Function string `json:"function,omitempty"`
	// Partner is the new name (rename) or the caller that absorbs the
	// samples (inline).
	Partner string `json:"partner,omitempty"`
	// Index and Time are the first point after the change.
	Index int       `json:"index"`
	Time  time.Time `json:"time"`
	// ServicePct is the planted step's service-level effect in percent.
	ServicePct float64 `json:"service_pct,omitempty"`
}

// Truth describes a generated set.
type Truth struct {
	// Start, Step and Points are the profiles' grid.
	Start  time.Time     `json:"start"`
	Step   time.Duration `json:"step"`
	Points int           `json:"points"`
	// Cases are the services, one case each.
	Cases []Case `json:"cases"`
}

// Cases lists the services a config generates, without their functions
// (Service picks those).
func (c Config) Cases() []Case {
	c = c.withDefaults()
	var cs []Case
	for _, e := range c.Effects {
		for i := range c.PerEffect {
			cs = append(cs, Case{Service: fmt.Sprintf("step-%g-%d", e, i), Kind: KindStep, ServicePct: e})
		}
	}
	for _, k := range NuisanceKinds {
		for i := range c.PerNuisance {
			cs = append(cs, Case{Service: fmt.Sprintf("%s-%d", k, i), Kind: k})
		}
	}
	return cs
}

// requestsPerSecond is the peak request rate of every service.
const requestsPerSecond = 100

// profileSeconds is how long each profile samples.
const profileSeconds = 10

// period is the CPU time one sample stands for (100 Hz).
const period = 10 * time.Millisecond

// Service generates the profiles and the request rate (per second, one per
// profile) of case c, the n-th of its set, and fills in c's function,
// partner, index and time.
func Service(cfg Config, c *Case, n int) ([]*profile.Profile, []float64) {
	cfg = cfg.withDefaults()
	rng := rand.New(rand.NewPCG(cfg.Seed, uint64(n)+1))
	nodes := tree(rng, cfg.Functions)
	k := int(float64(cfg.Points) * (0.3 + 0.55*rng.Float64()))
	c.Index, c.Time = k, cfg.Start.Add(time.Duration(k)*cfg.Step)
	pick := func(lo, hi float64) int {
		for range 1000 {
			i := 3 + rng.IntN(len(nodes)-3)
			if w := nodes[i].weight; w >= lo && w <= hi {
				return i
			}
		}
		return 3
	}
	target, spikeLen, spike := -1, 0, 0.0
	switch c.Kind {
	case KindStep:
		target = pick(0.003, 0.08)
	case KindRename, KindInline:
		target = pick(0.01, 1)
	case KindTransient:
		target = pick(0.01, 1)
		spikeLen, spike = 3+rng.IntN(6), 0.5+rng.Float64()
	}
	// the renamed twin: a function with a new name on the same lines
	twin := append([]node(nil), nodes...)
	if target >= 0 {
		c.Function = nodes[target].name
		switch c.Kind {
		case KindRename:
			t := nodes[target]
			t.name += "V2"
			twin = append(twin, t)
			c.Partner = t.name
		case KindInline:
			c.Partner = nodes[nodes[target].parent].name
		}
	}
	fns, locs := pprofTables(twin)
	profiles := make([]*profile.Profile, cfg.Points)
	requests := make([]float64, cfg.Points)
	perRequest := cfg.Samples / (requestsPerSecond * profileSeconds) // samples per request
	for p := range cfg.Points {
		at := cfg.Start.Add(time.Duration(p) * cfg.Step)
		day := 2 * math.Pi * float64(at.Unix()%86400) / 86400
		rate := requestsPerSecond * (0.65 + 0.35*math.Sin(day-math.Pi/2)) * math.Exp(0.02*rng.NormFloat64())
		requests[p] = rate
		common := math.Exp(cfg.Noise * rng.NormFloat64())
		alpha := 0.5
		if c.Kind == KindTrafficMix && p >= k {
			alpha = 0.62
		}
		lambda := make([]float64, len(twin))
		for i, nd := range nodes {
			w := nd.weight
			switch nd.endpoint {
			case 0:
				w *= alpha / 0.5
			case 1:
				w *= (1 - alpha) / 0.5
			}
			lambda[i] += w
		}
		switch {
		case c.Kind == KindStep && p >= k:
			lambda[target] += c.ServicePct / 100
		case c.Kind == KindTransient && p >= k && p < k+spikeLen:
			lambda[target] *= 1 + spike
		case c.Kind == KindRename && p >= k:
			lambda[len(twin)-1], lambda[target] = lambda[target], 0
		case c.Kind == KindInline && p >= k:
			lambda[nodes[target].parent] += lambda[target]
			lambda[target] = 0
		}
		prof := &profile.Profile{
			SampleType:    []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
			PeriodType:    &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
			Period:        int64(period),
			TimeNanos:     at.UnixNano(),
			DurationNanos: int64(profileSeconds * time.Second),
			Function:      fns,
			Location:      locs,
		}
		for i := range twin {
			n := poisson(rng, lambda[i]*perRequest*rate*profileSeconds*common)
			if n == 0 {
				continue
			}
			var st []*profile.Location
			for _, j := range stack(twin, i) {
				st = append(st, locs[j])
			}
			prof.Sample = append(prof.Sample, &profile.Sample{Location: st, Value: []int64{n, n * int64(period)}})
		}
		profiles[p] = prof
	}
	return profiles, requests
}

// pprofTables builds one pprof function and location per node.
func pprofTables(nodes []node) ([]*profile.Function, []*profile.Location) {
	fns := make([]*profile.Function, len(nodes))
	locs := make([]*profile.Location, len(nodes))
	for i, nd := range nodes {
		fns[i] = &profile.Function{ID: uint64(i + 1), Name: nd.name, SystemName: nd.name, Filename: nd.file, StartLine: nd.line}
		locs[i] = &profile.Location{ID: uint64(i + 1), Address: uint64(0x1000 + 16*i),
			Line: []profile.Line{{Function: fns[i], Line: nd.line + 3}}}
	}
	return fns, locs
}
