package offensecmd

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/wattson-dev/wattson/skills/benchcheck"
	"github.com/wattson-dev/wattson/skills/offenseeval"
)

// EvalFlags are `wattson eval offense`'s flags.
type EvalFlags struct {
	Corpus, Format, BenchTime string
	Count                     int
}

// RegisterEval adds the eval's flags to fs.
func RegisterEval(fs *flag.FlagSet) *EvalFlags {
	f := &EvalFlags{}
	fs.StringVar(&f.Corpus, "corpus", "", "corpus `dir`: one directory per case with case.json, repo/ and profiles/")
	fs.StringVar(&f.Format, "format", "text", "output `format`: text or json")
	fs.IntVar(&f.Count, "count", 10, "benchmark runs on each side of a fix (`n`)")
	fs.StringVar(&f.BenchTime, "benchtime", "100ms", "each benchmark run's -benchtime (`duration`)")
	return f
}

// Check reports a mistake in the flags, naming the flag.
func (f *EvalFlags) Check() error {
	switch {
	case f.Corpus == "":
		return errors.New("--corpus is required")
	case f.Format != "text" && f.Format != "json":
		return fmt.Errorf("--format must be text or json, not %q", f.Format)
	case f.Count < 2:
		return fmt.Errorf("--count must be at least 2, not %d", f.Count)
	}
	if _, err := time.ParseDuration(f.BenchTime); err != nil {
		return fmt.Errorf("--benchtime: %v", err)
	}
	return nil
}

// Eval scores the offense scan and its gated fixes on the corpus and
// writes the table (or the report as JSON) to w.
func Eval(ctx context.Context, f *EvalFlags, d Deps, w io.Writer) error {
	rep, err := offenseeval.Run(ctx, f.Corpus, offenseeval.Options{Patterns: d.Patterns, WattsPerCore: d.WattsPerCore,
		Bench: benchcheck.Options{Count: f.Count, BenchTime: f.BenchTime}})
	if err != nil {
		return fmt.Errorf("eval offense: %w", err)
	}
	if f.Format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return rep.WriteTable(w)
}
