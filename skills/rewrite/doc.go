// Package rewrite makes the mechanical fixes of the offense scan as real
// code changes: rewrites of a function's syntax tree, checked with its type
// information (golang.org/x/tools/go/packages loads the package the way
// the go command builds it). Each rewrite is named (a pattern of package
// opportunity names the rewrite that fixes it) and either returns the new
// content of the files it changed or a *NotSafeError saying why the change
// could alter what the program does; then nothing is changed and the
// finding stays a suggestion.
//
// The model is the suggested fix of golang.org/x/tools/go/analysis: text
// edits at syntax-tree positions, so comments and layout elsewhere in the
// file stay as they were, then gofmt of the result.
//
// The rewrites, and what each proves before it changes anything:
//
//   - hoist-regexp: regexp.MustCompile (or MustCompilePOSIX) with a
//     constant pattern inside a function becomes a package-level variable
//     compiled once. Safe when the pattern compiles (otherwise the panic
//     would move from the call to start-up) and the *Regexp is only used
//     for method calls other than Longest (which mutates it, and a shared
//     Regexp would carry that to every caller): directly, or through a
//     local variable used for nothing else. regexp.Compile, whose error the
//     code handles, is left as a suggestion.
//   - string-builder: `s += e` on a local string in a loop becomes writes
//     to a strings.Builder declared before the loop, with s set from it
//     after the loop (`s += fmt.Sprintf(...)` becomes fmt.Fprintf into the
//     builder). Safe when the loop never reads s, cannot leave other than
//     by finishing or a plain break (no return, goto or labelled branch),
//     and s is not a result, not captured by a closure, nor has its address
//     taken: then no one sees s between the loop's first and last write.
//   - presize-append: `v = append(v, x)` as an unconditional statement of a
//     range loop over a slice, array, map, string or integer gets
//     `v = slices.Grow(v, len(r))` before the loop. Safe when v is a local
//     slice that starts fresh (declared empty, nil or made) so no other
//     slice shares its backing array, every other assignment to v is such
//     an append, nothing before the append in the body can skip it (so a
//     non-empty range leaves v non-nil either way, and an empty one leaves
//     v as it was: slices.Grow of 0 is a no-op), and the range expression
//     is a plain variable or field (evaluating it twice does the same).
//     Only the capacity of v can differ, which append leaves unspecified.
//   - hoist-time-now: time.Now() in a loop whose body does no I/O nor
//     synchronisation (it calls nothing but builtins, conversions and
//     methods of time.Time) is read once before the loop: such a loop runs
//     in well under the clock's granularity of what it records, and no
//     statement of it can observe the clock moving. A loop calling
//     anything else is left as a suggestion.
package rewrite
