package funcsynth

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Generate writes the data set of cfg under dir (see the package doc for
// the layout) and returns its truth, also written as dir/truth.json.
func Generate(dir string, cfg Config) (Truth, error) {
	cfg = cfg.withDefaults()
	truth := Truth{Start: cfg.Start, Step: cfg.Step, Points: cfg.Points, Cases: cfg.Cases()}
	if err := os.MkdirAll(filepath.Join(dir, "requests"), 0o755); err != nil {
		return Truth{}, fmt.Errorf("generate: %w", err)
	}
	for n := range truth.Cases {
		c := &truth.Cases[n]
		profiles, requests := Service(cfg, c, n)
		sdir := filepath.Join(dir, c.Service)
		if err := os.MkdirAll(sdir, 0o755); err != nil {
			return Truth{}, fmt.Errorf("generate: %w", err)
		}
		for _, p := range profiles {
			at := time.Unix(0, p.TimeNanos).UTC()
			f, err := os.Create(filepath.Join(sdir, at.Format(time.RFC3339)+".pb.gz"))
			if err != nil {
				return Truth{}, fmt.Errorf("generate: %w", err)
			}
			err = p.Write(f)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return Truth{}, fmt.Errorf("generate %s: %w", c.Service, err)
			}
		}
		if err := writeRequests(filepath.Join(dir, "requests", c.Service+".json"), c.Service, cfg, requests); err != nil {
			return Truth{}, err
		}
	}
	b, err := json.MarshalIndent(truth, "", "  ")
	if err != nil {
		return Truth{}, fmt.Errorf("generate: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "truth.json"), b, 0o644); err != nil {
		return Truth{}, fmt.Errorf("generate: %w", err)
	}
	return truth, nil
}

// writeRequests saves a request-rate series as a Prometheus query_range
// response.
func writeRequests(path, service string, cfg Config, rates []float64) error {
	values := make([][2]any, len(rates))
	for i, r := range rates {
		t := cfg.Start.Add(time.Duration(i) * cfg.Step).Unix()
		values[i] = [2]any{t, strconv.FormatFloat(r, 'g', -1, 64)}
	}
	resp := map[string]any{"status": "success", "data": map[string]any{"resultType": "matrix",
		"result": []any{map[string]any{
			"metric": map[string]string{"__name__": "service:requests:rate5m", "service": service},
			"values": values}}}}
	b, err := json.Marshal(resp)
	if err != nil {
		return fmt.Errorf("generate requests of %s: %w", service, err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("generate requests of %s: %w", service, err)
	}
	return nil
}

// ReadTruth reads dir/truth.json.
func ReadTruth(dir string) (Truth, error) {
	b, err := os.ReadFile(filepath.Join(dir, "truth.json"))
	if err != nil {
		return Truth{}, fmt.Errorf("read truth: %w", err)
	}
	var t Truth
	if err := json.Unmarshal(b, &t); err != nil {
		return Truth{}, fmt.Errorf("read truth %s: %w", filepath.Join(dir, "truth.json"), err)
	}
	return t, nil
}
