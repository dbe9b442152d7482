// Package deploys tells which revision of a service ran when: from a deploy
// log exported by a CD system (JSON, one record per rollout) or from a
// *_build_info{revision=...} series.
package deploys

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"time"

	"github.com/wattson-dev/wattson/skills"
)

// ErrEmpty reports a deploy source with no deploys.
var ErrEmpty = errors.New("no deploys")

var shaRE = regexp.MustCompile(`^[0-9a-fA-F]{7,64}$`)

// record is one deploy log entry as CD systems export it.
type record struct {
	Time        time.Time `json:"time"`
	Revision    string    `json:"revision"`
	Version     string    `json:"version"`
	Environment string    `json:"environment"`
	Service     string    `json:"service"`
}

// ParseLog parses a deploy log: a JSON array of records, or JSON lines.
// Every record needs a time and a hex revision. Records of environments
// other than production (when an environment is given) are dropped. The
// result is sorted oldest first.
func ParseLog(data []byte) ([]skills.Deploy, error) {
	var recs []record
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("parse deploy log: %w", ErrEmpty)
	}
	if trimmed[0] == '[' {
		if err := json.Unmarshal(trimmed, &recs); err != nil {
			return nil, fmt.Errorf("parse deploy log: %w", err)
		}
	} else {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		for dec.More() {
			var r record
			if err := dec.Decode(&r); err != nil {
				return nil, fmt.Errorf("parse deploy log record %d: %w", len(recs)+1, err)
			}
			recs = append(recs, r)
		}
	}
	out := make([]skills.Deploy, 0, len(recs))
	for i, r := range recs {
		if r.Time.IsZero() {
			return nil, fmt.Errorf("parse deploy log record %d: no time", i+1)
		}
		if !shaRE.MatchString(r.Revision) {
			return nil, fmt.Errorf("parse deploy log record %d: revision %q is not a commit id", i+1, r.Revision)
		}
		if r.Environment != "" && r.Environment != "production" && r.Environment != "prod" {
			continue
		}
		out = append(out, skills.Deploy{Time: r.Time.UTC(), Revision: r.Revision, Version: r.Version, Environment: r.Environment})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("parse deploy log: %w", ErrEmpty)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out, nil
}

// Log is a deploy source over a deploy log file.
type Log struct {
	path string
}

var _ skills.DeploySource = (*Log)(nil)

// NewLog returns the deploy log at path. It does no I/O.
func NewLog(path string) *Log {
	return &Log{path: path}
}

// Deploys reads the log; the file holds one service's deploys, so service
// is not used to filter.
func (l *Log) Deploys(_ context.Context, _ string, start, end time.Time) ([]skills.Deploy, error) {
	data, err := os.ReadFile(l.path)
	if err != nil {
		return nil, fmt.Errorf("read deploy log: %w", err)
	}
	ds, err := ParseLog(data)
	if err != nil {
		return nil, fmt.Errorf("deploy log %s: %w", l.path, err)
	}
	return window(ds, start, end), nil
}

// window keeps the deploys that started before end, from the last one at
// or before start on.
func window(ds []skills.Deploy, start, end time.Time) []skills.Deploy {
	first := 0
	for i, d := range ds {
		if !d.Time.After(start) {
			first = i
		}
	}
	var out []skills.Deploy
	for _, d := range ds[first:] {
		if end.IsZero() || d.Time.Before(end) {
			out = append(out, d)
		}
	}
	return out
}
