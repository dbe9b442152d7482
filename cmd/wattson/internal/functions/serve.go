package functions

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/google/pprof/profile"

	"github.com/wattson-dev/wattson/cmd/wattson/internal/endpoint"
	"github.com/wattson-dev/wattson/detector/funcdetect"
	"github.com/wattson-dev/wattson/detector/funcschedule"
	"github.com/wattson-dev/wattson/skills/pprofdir"
	"github.com/wattson-dev/wattson/skills/pyroscope"
	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/periodic/cronspec"
)

// Config is a service's `functions:` block: function-level detection from
// its instances' pprof endpoints, on a schedule.
type Config struct {
	// Endpoints are the instances' base URLs (each serves /debug/pprof/).
	Endpoints []string `yaml:"endpoints"`
	// Pyroscope, instead of endpoints, is a Pyroscope server's base URL,
	// and Selector the service's label selector there (e.g.
	// {service_name="checkout"}); each tick reads the CPU profile merged
	// over the last Profile.
	Pyroscope string `yaml:"pyroscope"`
	Selector  string `yaml:"selector"`
	// Schedule is the robfig/cron spec of the captures; TimeZone its zone.
	Schedule string `yaml:"schedule"`
	TimeZone string `yaml:"time_zone"`
	// Profile is how long each capture samples (default 10s).
	Profile time.Duration `yaml:"profile"`
	// Lookback is how far back the series reaches (default 72h).
	Lookback time.Duration `yaml:"lookback"`
	// MinPoints is how many captures detection waits for (default 12).
	MinPoints int `yaml:"min_points"`
	// MinServicePct is the smallest service-level effect, in percent, that
	// is alerted (default 0.05).
	MinServicePct float64 `yaml:"min_service_pct"`
}

// Check returns what is wrong with c, each error naming its key under
// prefix (e.g. "services[0].functions").
func (c Config) Check(prefix string) []error {
	var errs []error
	switch {
	case c.Pyroscope != "" && len(c.Endpoints) > 0:
		errs = append(errs, fmt.Errorf("%s: give endpoints or pyroscope, not both", prefix))
	case c.Pyroscope != "":
		if err := endpoint.CheckURL(c.Pyroscope, "http", "https"); err != nil {
			errs = append(errs, fmt.Errorf("%s.pyroscope: %w", prefix, err))
		}
		if !strings.HasPrefix(c.Selector, "{") || !strings.HasSuffix(c.Selector, "}") {
			errs = append(errs, fmt.Errorf("%s.selector: want a label selector like {service_name=\"checkout\"}, not %q", prefix, c.Selector))
		}
	case len(c.Endpoints) == 0:
		errs = append(errs, fmt.Errorf("%s.endpoints: at least one pprof base URL (or pyroscope and selector) is required", prefix))
	case c.Selector != "":
		errs = append(errs, fmt.Errorf("%s.selector: only with pyroscope", prefix))
	}
	for i, u := range c.Endpoints {
		if err := endpoint.CheckURL(u, "http", "https"); err != nil {
			errs = append(errs, fmt.Errorf("%s.endpoints[%d]: %w", prefix, i, err))
		}
	}
	if err := cronspec.Check(c.Schedule, c.TimeZone); err != nil {
		errs = append(errs, fmt.Errorf("%s.schedule: %w", prefix, err))
	}
	if c.Profile < 0 || c.Lookback < 0 || c.MinPoints < 0 || c.MinServicePct < 0 {
		errs = append(errs, fmt.Errorf("%s: profile, lookback, min_points and min_service_pct must not be negative", prefix))
	}
	if c.Lookback > 0 && c.Lookback < 2*c.profile() {
		errs = append(errs, fmt.Errorf("%s.lookback: %v holds no series; want at least twice the profile's %v", prefix, c.Lookback, c.profile()))
	}
	return errs
}

func (c Config) profile() time.Duration {
	if c.Profile <= 0 {
		return 10 * time.Second
	}
	return c.Profile
}

// Service is one service with function-level detection.
type Service struct {
	// Name names the service; Profiles is its profile directory, where
	// every capture is also kept for investigations ("" keeps none).
	Name, Profiles string
	// Functions is its validated `functions:` block.
	Functions Config
}

// Scheduler builds the function-level detection of svcs, alerting through
// n; nil when svcs is empty. st must keep function series (both stores
// do). It does no I/O.
func Scheduler(svcs []Service, st store.Store, n funcschedule.Notifier, owner string, logger *slog.Logger) (*funcschedule.Scheduler, error) {
	if len(svcs) == 0 {
		return nil, nil
	}
	fss, ok := st.(store.FunctionSeriesStore)
	if !ok {
		return nil, fmt.Errorf("function-level detection: the %T store keeps no function series", st)
	}
	client := &http.Client{Timeout: 5 * time.Minute}
	dirs := map[string]*pprofdir.Capturer{}
	jobs := make([]funcschedule.Job, 0, len(svcs))
	for _, s := range svcs {
		c := s.Functions
		loc, err := time.LoadLocation(c.TimeZone)
		if err != nil {
			return nil, fmt.Errorf("service %s: functions.time_zone: %w", s.Name, err)
		}
		lookback := c.Lookback
		if lookback <= 0 {
			lookback = 72 * time.Hour
		}
		job := funcschedule.Job{Name: s.Name + "-functions", Service: s.Name, Endpoints: c.Endpoints,
			Spec: c.Schedule, Location: loc, Profile: c.profile(), Lookback: lookback, MinPoints: c.MinPoints,
			Detect: funcdetect.Options{MinServicePct: c.MinServicePct}}
		if c.Pyroscope != "" {
			src, err := pyroscope.New(c.Pyroscope, client, time.Now)
			if err != nil {
				return nil, fmt.Errorf("service %s: functions.pyroscope: %w", s.Name, err)
			}
			job.Source, job.Endpoints = src, []string{c.Selector}
		}
		jobs = append(jobs, job)
		if s.Profiles != "" {
			dirs[s.Name] = pprofdir.NewCapturer(client, pprofdir.New(s.Profiles), time.Now)
		}
	}
	save := func(service string, at time.Time, p *profile.Profile) (string, error) {
		if c := dirs[service]; c != nil {
			return c.Save(service, at, p)
		}
		return "", nil
	}
	return funcschedule.New(jobs, pprofdir.NewCapturer(client, nil, time.Now), st, fss.FunctionSeries(), n,
		funcschedule.Options{Owner: owner, Logger: logger, Save: save}), nil
}
