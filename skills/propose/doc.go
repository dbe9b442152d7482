// Package propose turns a culprit or a fix into a change prepared for human
// review on a code host: the propose_revert and propose_fix skills, the
// pull request body that carries the evidence, and the plain-text fallback
// (with the `git revert` command) when a revert cannot be prepared
// automatically. It also holds verify_recovery, which re-checks a series
// after the change merged.
//
// Code hosts (skills/github, skills/gitlocal) implement the small
// interfaces declared here; nothing in this package merges anything.
package propose
