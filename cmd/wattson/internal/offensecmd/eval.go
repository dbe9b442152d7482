package offensecmd

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/wattson-dev/wattson/skills/offenseeval"
	"github.com/wattson-dev/wattson/skills/opportunity"
)

// EvalFlags are `wattson eval offense`'s flags.
type EvalFlags struct {
	Corpus   string
	Generate bool
	Output
}

// RegisterEval adds the flags of `wattson eval offense` to fs.
func RegisterEval(fs *flag.FlagSet) *EvalFlags {
	f := &EvalFlags{}
	fs.StringVar(&f.Corpus, "corpus", "", "corpus `dir` (written there first with --generate)")
	fs.BoolVar(&f.Generate, "generate", false, "write the corpus into --corpus (module, git history, profiles of its benchmarks) before scoring it")
	f.register(fs)
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
	}
	return f.check()
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
	rep, err := offenseeval.Run(ctx, c, patterns, offenseeval.Options{Bench: f.bench()})
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
