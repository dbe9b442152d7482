package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/wattson-dev/wattson/detector/eval"
	"github.com/wattson-dev/wattson/detector/funcdetect"
	"github.com/wattson-dev/wattson/detector/funcsynth"
)

// evalSeed seeds the set `eval detector --functions` generates; the
// detector's constants were chosen on other seeds.
const evalSeed = 2026

// evalFunctions scores function-level detection on the set in dir,
// generating it first when dir holds none.
func evalFunctions(ctx context.Context, dir string, e *env) error {
	if _, err := os.Stat(filepath.Join(dir, "truth.json")); errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(e.stderr, "wattson: eval: generating the function-level set in %s\n", dir)
		if _, err := funcsynth.Generate(dir, funcsynth.Config{Seed: evalSeed}); err != nil {
			return fmt.Errorf("eval detector: %w", err)
		}
	}
	rep, err := eval.Functions(ctx, dir, funcdetect.Options{})
	if err != nil {
		return fmt.Errorf("eval detector: %w", err)
	}
	return rep.WriteTable(e.stdout)
}
