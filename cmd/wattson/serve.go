package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"go.yaml.in/yaml/v3"
	"golang.org/x/sync/errgroup"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/investigator"
	"github.com/wattson-dev/wattson/bot/proposals"
	"github.com/wattson-dev/wattson/bot/worker"
	"github.com/wattson-dev/wattson/cmd/wattson/internal/endpoint"
	"github.com/wattson-dev/wattson/cmd/wattson/internal/functions"
	"github.com/wattson-dev/wattson/cmd/wattson/internal/promsource"
	"github.com/wattson-dev/wattson/detector/schedule"
	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/periodic"
	"github.com/wattson-dev/wattson/store/redis"
)

// configFlag registers --config on fs, defaulting to $WATTSON_CONFIG.
func configFlag(fs *flag.FlagSet, e *env) *string {
	return fs.String("config", e.getenv("WATTSON_CONFIG"), "YAML config `file` (default $WATTSON_CONFIG; none: embedded defaults)")
}

func cmdServe(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("serve", e)
	path := configFlag(fs, e)
	listen := fs.String("listen", "", "HTTP listen `address` (default server.listen, $WATTSON_LISTEN, 127.0.0.1:8080)")
	check := fs.Bool("check-config", false, "validate the config, print it with secrets redacted, and exit")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("serve: unexpected argument %q", fs.Arg(0))
	}
	cfg, err := loadConfig(*path, e.getenv)
	if err != nil {
		return err
	}
	if *listen != "" {
		if err := endpoint.CheckListen(*listen); err != nil {
			return usageErrorf("serve: --listen: %v", err)
		}
		cfg.Server.Listen = *listen
	}
	if *check {
		return printConfig(e, cfg)
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, nil))
	st, err := openStore(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer st.Close()
	reg := newRegistry()
	mux := http.NewServeMux()
	var chatReady func(context.Context) error // set once the chat is wired, before serving
	var sched *schedule.Scheduler             // once built, ready only while no job keeps failing
	addRoutes(mux, reg, func(ctx context.Context) error {
		_, err := st.ListRegressions(ctx, store.ListOptions{Limit: 1})
		if err == nil && chatReady != nil {
			err = chatReady(ctx) // a platform that cannot post
		}
		if err == nil && sched != nil {
			err = sched.Ready()
		}
		return err
	})
	// Each service's code host, data sources, skills, playbook and agent,
	// built once (services.go).
	hosts, err := newCodeHosts(cfg, logger)
	if err != nil {
		return err
	}
	svcs, err := newServices(cfg, hosts, logger)
	if err != nil {
		return err
	}
	deps := botDeps{investigator: investigator.New(svcs.bundles, st, logger), pullRequests: proposals.CodeHosts(hosts.router(logger)),
		recovery: proposals.RecoveryOf(svcs.recovery), learner: proposals.SkillLearner(cfg.Skills.Dir, svcs.codeHost, logger),
		skills: bot.SkillList(svcs.registries, svcs.lib, svcs.patterns), deploys: bot.DeployMarks(svcs.deploySource), remindAfter: cfg.Chat.RemindAfter, stdin: e.stdin, stdout: e.stdout}
	if cfg.chatFromEnv {
		logger.Info("chat platforms enabled by their credentials in the environment (no chat.platforms)", "platforms", cfg.Chat.Platforms)
	}
	cb, err := newChatBot(cfg, st, deps, logger, reg, mux)
	if err != nil {
		return err
	}
	if err := cb.checks.AtStart(ctx, logger); err != nil {
		return err
	}
	chatReady = cb.checks.Ready
	shards, err := shardLane(ctx, cfg, st)
	if err != nil {
		return err
	}
	sched, err = newScheduler(cfg, st, shards, cb.bot, logger, reg)
	if err != nil {
		return err
	}
	var shardWorker *worker.Worker // works the shards' lane
	if sched != nil && shards != nil {
		shardWorker, err = worker.New(laneStore{shards, st}, worker.Options{
			Handlers:    map[string]worker.Handler{schedule.ShardJob: sched.RunShard},
			ReclaimIdle: cfg.Store.ReclaimIdle, Owner: replicaName(), Lane: "detect", Logger: logger,
			Registerer: prometheus.WrapRegistererWith(prometheus.Labels{"queue": "detect"}, reg),
		})
		if err != nil {
			return fmt.Errorf("start detection shard worker: %w", err)
		}
	}
	logger.Info("wattson started", "version", version, "store", cfg.Store.Backend, "mode", modeName(cfg),
		"chat", cfg.Chat.Platforms, "detection_jobs", len(cfg.Detection.Jobs))
	// The proposals' checks, the opportunity scan and the digest, each
	// once per tick across replicas (offense_wiring.go).
	jobs, err := periodicJobs(cfg, cb.botParts, svcs.patterns)
	if err != nil {
		return err
	}
	if j, ok := backupJob(cfg, st, logger); ok {
		jobs = append(jobs, j)
	}
	fsched, err := functions.Scheduler(functionServices(cfg), st, cb.bot, replicaName(), logger.With("component", "functions"))
	if err != nil {
		return err
	}
	runner := periodic.New(st, periodic.Options{Owner: replicaName(), Prefix: "periodic/", Logger: logger.With("component", "periodic")})
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return serveHTTP(ctx, cfg.Server.Listen, mux, logger) })
	g.Go(func() error { return cb.run(ctx) })
	if sched != nil {
		g.Go(func() error { return sched.Run(ctx) })
	}
	if shardWorker != nil {
		g.Go(func() error { return shardWorker.Run(ctx) })
	}
	if fsched != nil {
		g.Go(func() error { return fsched.Run(ctx) })
	}
	g.Go(func() error { return runner.Run(ctx, jobs) })
	return g.Wait()
}

// functionServices are the services with function-level detection.
func functionServices(cfg config) []functions.Service {
	var out []functions.Service
	for _, s := range cfg.Services {
		if s.Functions != nil {
			out = append(out, functions.Service{Name: s.Name, Profiles: s.Profiles, Functions: *s.Functions})
		}
	}
	return out
}

// backuper is a store that backs itself up while it runs (the embedded one).
type backuper interface {
	BackupTo(ctx context.Context, dir string, at time.Time, keep int) (path string, size int64, err error)
}

// backupJob is the scheduled backup of the embedded store (store.backup),
// when one is configured.
func backupJob(cfg config, st store.Store, logger *slog.Logger) (periodic.Job, bool) {
	b, ok := st.(backuper)
	c := cfg.Store.Backup
	if !ok || c.Schedule == "" {
		return periodic.Job{}, false
	}
	return periodic.Job{Name: "store-backup", Spec: c.Schedule, Do: func(ctx context.Context, tick time.Time) error {
		if err := os.MkdirAll(c.Dir, 0o750); err != nil {
			return fmt.Errorf("store backup: %w", err)
		}
		path, size, err := b.BackupTo(ctx, c.Dir, tick, c.Keep)
		if err != nil {
			return err
		}
		logger.Info("store backed up", "path", path, "bytes", size, "kept", c.Keep)
		return nil
	}}, true
}

// laner is a store with queues besides its own (the Redis store).
type laner interface {
	Lane(ctx context.Context, name string) (*redis.Lane, error)
}

// laneStore is what a worker of a lane works: the lane's queue, and the
// store's leases on the jobs it runs.
type laneStore struct {
	*redis.Lane
	store.Leases
}

// shardLane returns the queue of the detection ticks' shards: a lane of
// its own in the Redis store, worked by a worker of its own, so that a
// fleet tick's hundred shards do not hold back the bot's jobs (an
// investigation asked for meanwhile). nil without detection jobs or with
// a store replicas cannot share (bolt): there a tick detects its shards
// itself.
func shardLane(ctx context.Context, cfg config, st store.Store) (*redis.Lane, error) {
	l, ok := st.(laner)
	if !ok || len(cfg.Detection.Jobs) == 0 {
		return nil, nil
	}
	q, err := l.Lane(ctx, "detect")
	if err != nil {
		return nil, fmt.Errorf("open the detection shards' queue: %w", err)
	}
	return q, nil
}

// newScheduler builds the detection scheduler; nil when there are no jobs.
// With a shards queue, a tick's shards spread over the replicas.
func newScheduler(cfg config, st store.Store, shards *redis.Lane, n schedule.Notifier, logger *slog.Logger, reg prometheus.Registerer) (*schedule.Scheduler, error) {
	if len(cfg.Detection.Jobs) == 0 {
		return nil, nil
	}
	jobs := detectionJobs(cfg)
	src, err := promsource.New(cfg.Detection.Prometheus, promsource.Options{MaxSamples: cfg.Detection.MaxSamples,
		Timeout: time.Minute, Client: cfg.Detection.Client, Registerer: reg, Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("detection.prometheus: %w", err)
	}
	m, err := schedule.NewMetrics(reg)
	if err != nil {
		return nil, err
	}
	opts := schedule.Options{Owner: replicaName(), Logger: logger.With("component", "scheduler"), Metrics: m}
	if shards != nil { // replicas share the queue: a tick's shards spread over them
		opts.Queue, opts.ShardAttempts = shards, worker.MaxRetries
	}
	return schedule.New(jobs, src, st, n, opts), nil
}

// modeName says whether investigations can use an LLM.
func modeName(cfg config) string {
	if cfg.llmEnabled() {
		return "agent"
	}
	return "playbook"
}

// printConfig writes the effective config as YAML, secrets redacted.
func printConfig(e *env, cfg config) error {
	fmt.Fprintln(e.stdout, "# effective configuration (secrets redacted)")
	enc := yaml.NewEncoder(e.stdout)
	enc.SetIndent(2)
	if err := enc.Encode(cfg); err != nil {
		return fmt.Errorf("print config: %w", err)
	}
	return enc.Close()
}
