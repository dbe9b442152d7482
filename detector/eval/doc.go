// Package eval runs the detector over the labelled evaluation sets — the
// TCPD benchmark and the perfseries performance-metric set — scores it with
// package score and renders the result as a table. It reads the data
// directories it is given and never copies them.
package eval
