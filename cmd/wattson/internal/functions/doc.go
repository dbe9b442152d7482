// Package functions is the function-level detection of the wattson
// command, kept out of package main: `detect --profiles` over a profile
// directory, `eval detector --functions` over a generated labelled set,
// and the services' `functions:` config for `serve` — each service's pprof
// endpoints captured on a schedule (detector/funcschedule) into the
// store's rolling series, with alerts through the bot.
package functions
