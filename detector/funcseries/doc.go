// Package funcseries turns a service's CPU profiles over time into one
// series per function: at each profile, how many CPU samples had the
// function as their leaf frame (self) and how many had it anywhere on the
// stack (cumulative). A Set is the compact rolling store of those counts
// for one service: appended at each capture, trimmed to a lookback, and
// encoded to bytes so a scheduler can keep it in the store and never
// re-read old profiles.
//
// Counts, not CPU seconds, are kept because sampling noise is Poisson in
// the counts: the detector (package funcdetect) needs the raw counts and
// the exposure (profile total or requests) to stabilise that noise.
//
// A Set also keeps, per function, its file, start line and direct callers:
// what the cost-shift filter needs to tell a rename or an inlining change
// (samples moving between related frames) from new cost.
package funcseries
