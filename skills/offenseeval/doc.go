// Package offenseeval is `wattson eval offense`: it scores the offense
// scan and its mechanical fixes on a corpus of Go packages with planted
// inefficiencies. Generate writes the corpus (a git repository of one
// module, one package per planted pattern plus one whose rewrite is not
// safe and one with nothing to find, each with tests that pin its
// behaviour and a benchmark) and captures each package's CPU profile by
// running its benchmarks under the profiler, so the profiles are real.
// Run scans every package's profile, prepares and gates the fix of each
// finding whose pattern has a rewrite (package skills/fixgate: build, vet,
// tests, before/after benchmark), and reports precision and recall of the
// findings, the share of fixes that build and pass tests, the fixes that
// change behaviour (fail the tests), and how the measured saving compares
// with the profile's estimate.
//
// The estimate is the pattern's share of the package's profile times the
// pattern's saving; the measurement is the drop of the benchmark's time
// per operation. Both are of the same benchmark, so the ratio of the two
// tests the estimate, not a difference of workloads.
package offenseeval
