// Package funcdetect finds function-level regressions in a service's
// per-function CPU series (package funcseries), the way Meta's FBDetect
// does: a change far too small to see in the service's total CPU can be a
// clear step in the one function it lands in. It runs the project's one
// change-point detector (package detector) on every function with enough
// samples, then drops what is not a regression:
//
//   - went away: the level came back (the detector's WentAway), or the
//     excursion was a transient the detector already drops;
//   - too small: below Options.MinPct of the function or
//     Options.MinServicePct of the service;
//   - cost shift: a rise balanced by falls, at the same time, in related
//     functions — the same file, the same short name, or a direct caller
//     or callee (a rename moves samples to a new name on the same lines;
//     an inlining change moves a callee's samples into its caller). The
//     rise and its partners' falls are summed into one series and judged
//     again; a shift leaves no rise in the sum;
//   - renormalised (share of the profile only): a rise no more than half
//     again what the falls of other functions at about the same time do
//     to every share (losing ΔS of the profile grows every other share by
//     1/(1-ΔS)) — how the other functions look when a regression goes
//     away or is reverted;
//   - traffic mix: at least Options.MixMin functions rising at about the
//     same time (Options.MixWindow points) by about the same factor
//     (within a factor of two of their median), as when the share of one
//     endpoint's requests grows. The window is wide because a small
//     function's change is placed only within hours: on the generated set
//     the rises of one mix change at night spread over 40 points, and a
//     few are placed even earlier. So a rise before a mix group whose new
//     level still holds at the group's time, by about the group's factor,
//     is counted in it too.
//
// Self CPU misses a change whose cost lands in a helper shared with other
// callers (a caller that now calls it twice as often): the helper's self
// series moves by a fraction, or not at all when it is all of the
// profile. So the detector also runs on each function's cumulative CPU,
// and a cumulative rise is reported (Change.Cumulative) when nothing
// explains it below: no self rise of the function itself, and no rise of
// a callee that only it calls, within MixWindow points. The rises of the
// callers above a step are the step seen from above, and are dropped
// there. A cumulative series that is every sample of every profile (the
// root) is not judged. A fall balances a rise in the cost-shift filter
// only when it is at least MinPct of the falling function's level.
//
// # Poisson noise
//
// A function's self count in a profile is a Poisson count whose mean is
// its cost rate r times the exposure E: the profile's total samples (share
// of the profile) or the requests served while it was taken (CPU per
// request, when a request-rate series is given). The detector is run on
// √((s+3/8)/E), the square root of the rate (Anscombe's transform scaled
// by the exposure): its mean is √r, flat whatever the traffic does, so a
// step in the rate is a step of constant size and a daily traffic pattern
// is no season; its variance, 1/(4E), follows the traffic, which the
// detector's rank transform tolerates. We first ran it on the Anscombe
// residual 2(√(s+3/8) − √(r̂E+3/8)), whose variance is one at every point;
// but there a step's size follows √E, so after a large step the residual
// swings with the day, and on the generated set (package funcsynth) the
// seasonal fit then called one 5% step "went away" and let a rename and an
// inlining shift through as rises. Levels are reported on the original
// scale (pooled rate of each segment, the Poisson maximum-likelihood
// estimate).
//
// # Thresholds and why
//
// Alpha defaults to 1e-5, a hundredth of the service-level default: a
// service has hundreds of function series, and the false-alarm budget (one
// per 100 service-days) is per service, so each function's test gets about
// the Bonferroni share of it. MinServicePct (0.05%) keeps alerts to what is
// worth an engineer's time; MinPct (2%) drops shifts of a huge function
// that are only noise in its normalisation. Tolerance (3 points) is how far
// apart two functions' changes may be and still count as simultaneous: the
// detector places a change within a point or two of the truth at these
// sizes.
package funcdetect
