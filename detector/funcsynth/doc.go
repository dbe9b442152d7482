// Package funcsynth generates a labelled data set for function-level
// detection: per service, synthetic CPU profiles (pprof, written with
// github.com/google/pprof/profile) over three days from a call tree of two
// endpoints, with Poisson sampling noise, a daily traffic pattern and a
// common per-profile noise on CPU per request, and one planted case per
// service — a step in one function with a chosen service-level effect, or
// a nuisance that is no regression: a rename, an inlining shift, a
// transient spike, a traffic-mix change, or nothing at all.
//
// The layout is the profile directory's, <dir>/<service>/<RFC3339>.pb.gz,
// plus <dir>/requests/<service>.json (the service's request rate as a saved
// Prometheus query_range response) and <dir>/truth.json (the cases).
// Everything follows from Config.Seed.
package funcsynth
