// Package eval runs the detector over the labelled evaluation sets — the
// TCPD benchmark and the perfseries performance-metric set — scores it with
// package score, measures on perfseries how many points after a change it
// needs to report it, and renders the result as tables. It reads the data
// directories it is given and never copies them.
package eval
