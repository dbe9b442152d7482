package offensecmd

import (
	"flag"
	"fmt"
	"time"

	"github.com/wattson-dev/wattson/skills/benchcheck"
)

// Output are the flags `offense` and `eval offense` share: the report's
// format and how each fix's benchmark runs.
type Output struct {
	Format, BenchTime string
	Count             int
}

func (r *Output) register(fs *flag.FlagSet) {
	fs.StringVar(&r.Format, "format", "text", "output `format`: text or json")
	fs.IntVar(&r.Count, "count", 10, "benchmark runs on each side of a fix (`n`)")
	fs.StringVar(&r.BenchTime, "benchtime", "100ms", "each benchmark run's -benchtime (`duration`)")
}

// check reports a mistake in the shared flags, naming the flag.
func (r Output) check() error {
	switch {
	case r.Format != "text" && r.Format != "json":
		return fmt.Errorf("--format must be text or json, not %q", r.Format)
	case r.Count < 2:
		return fmt.Errorf("--count must be at least 2, not %d", r.Count)
	}
	if _, err := time.ParseDuration(r.BenchTime); err != nil {
		return fmt.Errorf("--benchtime: %v", err)
	}
	return nil
}

func (r Output) bench() benchcheck.Options {
	return benchcheck.Options{Count: r.Count, BenchTime: r.BenchTime}
}
