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
	"github.com/wattson-dev/wattson/skills/opportunity"
)

// EvalFlags are `wattson eval offense`'s flags.
type EvalFlags struct {
	Corpus, Format, BenchTime string
	Generate                  bool
	Count                     int
}

// RegisterEval adds the flags of `wattson eval offense` to fs.
func RegisterEval(fs *flag.FlagSet) *EvalFlags {
	f := &EvalFlags{}
	fs.StringVar(&f.Corpus, "corpus", "", "corpus `dir` (written there first with --generate)")
	fs.BoolVar(&f.Generate, "generate", false, "write the corpus into --corpus (module, git history, profiles of its benchmarks) before scoring it")
	fs.StringVar(&f.Format, "format", "text", "output `format`: text or json")
	fs.IntVar(&f.Count, "count", 10, "benchmark runs on each side of a fix (`n`)")
	fs.StringVar(&f.BenchTime, "benchtime", "100ms", "each benchmark run's -benchtime (`duration`)")
	return f
}

// Check reports a mistake in the flags, naming the flag, or an argument
// left over after them.
func (f *EvalFlags) Check(rest []string) error {
	switch {
	case len(rest) > 0:
		return fmt.Errorf("unexpected argument %q", rest[0])
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

// Eval scores the offense scan and its fixes on the corpus (package
// skills/offenseeval) and writes the report to w.
func Eval(ctx context.Context, f *EvalFlags, patterns []opportunity.Pattern, w io.Writer) (offenseeval.Report, error) {
	if f.Generate {
		if _, err := offenseeval.Generate(ctx, f.Corpus, "", time.Now()); err != nil {
			return offenseeval.Report{}, fmt.Errorf("eval offense: %w", err)
		}
	}
	c, err := offenseeval.Load(f.Corpus)
	if err != nil {
		return offenseeval.Report{}, fmt.Errorf("eval offense: %w", err)
	}
	rep, err := offenseeval.Run(ctx, c, patterns, offenseeval.Options{Bench: benchcheck.Options{Count: f.Count, BenchTime: f.BenchTime}})
	if err != nil {
		return rep, err
	}
	if f.Format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return rep, enc.Encode(rep)
	}
	return rep, rep.WriteTable(w)
}
