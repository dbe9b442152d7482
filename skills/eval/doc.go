// Package eval runs investigation scenarios with known culprits through the
// playbook (or agent) and scores them: top-1/top-3 culprit, correct
// abstentions, confident-wrong answers, latency. It is what `wattson eval
// investigate` runs.
//
// A scenario directory holds one subdirectory per scenario, each with:
//
//	scenario.json  {"service": "..."}: the service to investigate
//	truth.json     {"culprit": "<sha>"} or {"culprit": null} when there is none
//	repo.bundle    the service's repository, as `git bundle create --all` writes it
//	deploys.json   the deploy log
//	metrics/       saved query_range responses, one series file each
//	               (queries.json, if present, is not a series)
//	profiles/      the CPU profiles
//
// Each scenario's repository is cloned into a temporary directory that Run
// removes; the scenario directories are only read.
package eval
