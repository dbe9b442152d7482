// Package propose turns a culprit or a fix into a change prepared for human
// review on a code host: the propose_revert and propose_fix skills, the
// pull request body that carries the evidence, and the plain-text fallback
// (with the `git revert` command) when a revert cannot be prepared
// automatically. It also holds verify_recovery, which re-checks a series
// after the change merged.
//
// Past the skills, it carries a proposal through its life on the code
// host: Hosts routes each change to its repository's code host (by
// repository, else by service) to open, approve (mark ready, or merge when
// so configured), close or read it, and Checker verifies recovery over
// each service's metrics and deploys. Both are built once at start-up.
//
// Code hosts (skills/github, skills/gitlocal) implement the small
// interfaces declared here. Nothing in this package merges anything on its
// own: Hosts merges only when asked to act on a human's approval.
//
// # Verifying recovery
//
// A median of the points after the deploy is not evidence: a few noisy
// points land near the old level by chance, a partial recovery is judged
// on wherever its median falls, and a series that recovered and regressed
// again looks recovered. So Verify asks the change-point detector instead.
//
// It reads the series from the regression's change time (or 24 hours
// before the deploy, when that is later or the time is unknown) to 24
// hours after the first deploy that followed the merge, or to now, and
// runs package detector over it with its defaults except: no warm-up cut
// and no transient rule (a short stretch of regressed level before the
// deploy is the baseline, and a short return of the regression is a
// verdict), and at most a linear drift (a bending drift absorbs steps near
// the end of a short window). Reads of over 2000 points are summarised
// by bucket medians that do not straddle the deploy.
//
// The band reaches a quarter of the regression's step from the old level
// into the regressed side, and is open on the other: ending up better than
// before the regression is a recovery too. The series recovered when a
// change at the deploy (up to six points before its first point after, for
// placement error and gradual rollouts) goes opposite to the regression into
// the band, and no later change leaves the band; the reported change, time
// and confidence, is that one, or else the last change after the deploy. A
// verdict needs six points after the deploy, a last level that has lasted
// twelve points (a change placed a few points off biases a short level; a
// rollout passes intermediate levels), and that level is known to a third of
// the band (σ/√m ≤ band/3, σ the robust noise scale of successive
// differences), so noise moves it across the band's edge less than once in
// 700 verdicts.
//
// When the detector finds no change at the deploy, the series stayed
// regressed, but only once a step back would have stood out: the level
// after the deploy is outside the band and known to a third of it, and the
// step's standardised size |step|/σ·√(n·m/(n+m)) over the n regressed points
// before the deploy and m after reaches 6, against the detector's threshold
// of about 4 at Alpha 0.001. If the points after look back in the band
// while the detector sees no step, the check waits for more points. Once
// the 24 hours after the deploy are in, no more evidence comes and the
// verdict is given on what there is.
//
// On simulated 5-minute series (step 2.5, regressed level held four hours
// before the deploy, 200 seeds each) no partial recovery, re-regression or
// unchanged series was called recovered at noise 0.5, 1.25 or 2.5; true
// recoveries were called not recovered in at most 1 of 200 at noise 0.5
// and 1.25, and 18 of 200 at noise 2.5 (a step of one σ) when the day's
// window forced a verdict.
package propose
