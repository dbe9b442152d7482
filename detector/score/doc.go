// Package score computes the evaluation scores of a change-point detector
// against labelled data: the F1 and segmentation covering of the TCPD
// benchmark (van den Burg & Williams, 2020) and the matching, precision,
// recall and minimum detectable effect used for performance series.
package score
