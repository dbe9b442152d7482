package proposals

// RunPRCheck exposes runPRCheck to the tests of replicas checking at once.
var RunPRCheck = (*Desk).runPRCheck
