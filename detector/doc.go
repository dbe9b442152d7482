// Package detector finds step changes in metric series and decides which of
// them are regressions. It is pure: functions over []float64 and unix-second
// timestamps, with no I/O and no clock.
//
// # Method
//
// Detect runs, per series:
//
//  1. Clean-up. Non-finite values are dropped (indices in the result still
//     refer to the caller's slice).
//
//  2. Rank transform. Values are replaced by their normal scores
//     Φ⁻¹((rank−½)/n), ties sharing the mean score. The scores are marginally
//     standard normal whatever the noise looks like, so heavy tails, rare
//     huge outliers, skew, two host types (bimodal) and quantised values all
//     look alike to the later steps, and a step in level stays a step in
//     scores. For gaussian noise the normal-scores test is as efficient as
//     the t-test; for heavy tails it is far better.
//
//  3. Seasonal and drift adjustment. When the timestamps cover at least two
//     days, a daily profile (Options.Harmonics harmonics of 24 h, by least
//     squares on the residuals of the current segmentation) is fitted and
//     kept only if an F-test finds it significant at Options.Alpha. A linear
//     trend is fitted the same way. Adjustment and segmentation alternate a
//     few times, so a step is not mistaken for part of a day curve or a drift
//     and vice versa. The ranks are recomputed on the adjusted values.
//
//  4. Binary segmentation with a CUSUM statistic on the scores: a segment of
//     L points is split at the k maximising the standardised mean
//     difference T_k, when the p-value of max T_k under the no-change null is
//     below Options.Alpha. The p-value is the James–James–Siegmund (1987)
//     approximation for the maximum of a standardised Brownian bridge with
//     its discreteness correction, so the threshold grows with L the way the
//     null maximum does (about 4.3 for L=864 and α=0.001) — a principled,
//     n-dependent penalty rather than a tuned constant. Neither side of a
//     split may be shorter than Options.MinSegment points.
//
//  5. Pruning. Each change is retested on the two segments around it and
//     the weakest is dropped until all pass; positions are re-optimised.
//     The noise level is the long-run standard deviation of the residuals
//     (lag-one autocorrelation corrected), so smoothly wandering series do
//     not produce a ladder of steps.
//
//  6. Transients. A pair of opposite changes enclosing fewer than
//     Options.TransientMax points, with the levels on either side equal
//     (same test), is a spike that went away, not a step: both are dropped.
//
// Each Change reports its levels (trimmed means of the adjusted values of the
// segments on either side), the absolute and percent change, a direction, a
// confidence (one minus the p-value) and whether the level later returned
// (WentAway). Policy then decides which changes are regressions, and
// Fingerprint names a change stably across re-scans.
//
// The defaults (α = 0.001: about one false alarm per thousand clean series
// scans; MinSegment 6; TransientMax 12) come from the statistics above and
// from what an on-call engineer can act on, not from any evaluation set.
package detector
