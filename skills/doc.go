// Package skills holds Wattson's investigation machinery: the Skill
// contract, the Registry (skills/builtin lists the built-in skills in it
// explicitly), playbooks (named chains of skill steps, kept as data), the
// Runner that executes them, and the built-in skills that find a
// regression's deploy, the functions that got slower and the commit that
// most likely caused it.
//
// Skills talk to the outside world through small interfaces declared here
// (CodeHost, ProfileSource, DeploySource, SeriesSource); the subpackages
// gitlocal, github, pprofdir, deploys and metrics implement them.
package skills
