// Package funcschedule runs function-level detection on cron schedules,
// one job per service: each tick captures a CPU profile from every pprof
// endpoint of the service, adds their sum as the newest point of the
// service's rolling per-function series (package funcseries) kept in the
// store, trimmed to the job's lookback — so a tick reads one profile per
// instance and never an old one — and runs function-level detection
// (package funcdetect) over it. Each new regression is stored with its
// function named (store.Regression.Function) and handed to the Notifier
// (the bot), which posts the alert with a chart of that function's series
// and starts the investigation.
//
// A tick runs once across replicas, through store/periodic: the lease
// "functions/<job>/<nominal tick time>" as in detector/schedule. The series
// is written back with the version it was read at, so a slow tick and the
// next one, on two replicas, cannot both append from one copy: the later
// write fails and its tick is logged as failed.
//
// A regression's fingerprint is detector.Fingerprint of the function's
// series key (function_cpu_share{function=...,service=...}) and the
// change's hour, so the next ticks, which find the same change again,
// alert nothing new; the neighbouring hour's fingerprint is checked too,
// as the scheduler does, for a change placed across the hour's edge. A
// regression stored but whose alert never went out (no thread) is handed
// to the Notifier again.
//
// The series are share of the profile (no request-rate series is read
// here): a function's self samples over all samples of the instances at
// that tick. Detection waits for MinPoints points.
package funcschedule
