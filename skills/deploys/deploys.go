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

// record is one deploy log entry as CD systems export it. Time is read
// as text so that one bad time skips its record, not the log.
type record struct {
	Time        string `json:"time"`
	Revision    string `json:"revision"`
	Version     string `json:"version"`
	Environment string `json:"environment"`
	Service     string `json:"service"`
}

// Skip is a deploy log record ParseLog left out: its number (from 1, in
// file order) and why.
type Skip struct {
	Record int
	Reason string
}

func (s Skip) String() string { return fmt.Sprintf("record %d: %s: skipped", s.Record, s.Reason) }

// ParseLog parses a deploy log: a JSON array of records, or JSON lines.
// Every record needs an RFC 3339 time and a hex revision; a record
// without them is left out and returned as a Skip. Records of environments
// other than production (when an environment is given) are dropped. The
// result is sorted oldest first; a log with no usable record is an error
// wrapping ErrEmpty.
func ParseLog(data []byte) ([]skills.Deploy, []Skip, error) {
	var recs []record
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, nil, fmt.Errorf("parse deploy log: %w", ErrEmpty)
	}
	if trimmed[0] == '[' {
		if err := json.Unmarshal(trimmed, &recs); err != nil {
			return nil, nil, fmt.Errorf("parse deploy log: %w", err)
		}
	} else {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		for dec.More() {
			var r record
			if err := dec.Decode(&r); err != nil {
				return nil, nil, fmt.Errorf("parse deploy log record %d: %w", len(recs)+1, err)
			}
			recs = append(recs, r)
		}
	}
	out := make([]skills.Deploy, 0, len(recs))
	var skips []Skip
	for i, r := range recs {
		t, err := time.Parse(time.RFC3339Nano, r.Time)
		switch {
		case r.Time == "":
			skips = append(skips, Skip{i + 1, "no time"})
			continue
		case err != nil:
			skips = append(skips, Skip{i + 1, fmt.Sprintf("time %q is not RFC 3339", r.Time)})
			continue
		case !shaRE.MatchString(r.Revision):
			skips = append(skips, Skip{i + 1, fmt.Sprintf("revision %q is not a commit id", r.Revision)})
			continue
		}
		if r.Environment != "" && r.Environment != "production" && r.Environment != "prod" {
			continue
		}
		out = append(out, skills.Deploy{Time: t.UTC(), Revision: r.Revision, Version: r.Version, Environment: r.Environment})
	}
	if len(out) == 0 {
		if len(skips) > 0 {
			return nil, skips, fmt.Errorf("parse deploy log: %d of %d records skipped (first: %s): %w", len(skips), len(recs), skips[0], ErrEmpty)
		}
		return nil, nil, fmt.Errorf("parse deploy log: %w", ErrEmpty)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out, skips, nil
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

// Deploys reads the log, leaving out the records Check reports; the file
// holds one service's deploys, so service is not used to filter.
func (l *Log) Deploys(_ context.Context, _ string, start, end time.Time) ([]skills.Deploy, error) {
	ds, _, err := l.read()
	if err != nil {
		return nil, err
	}
	return window(ds, start, end), nil
}

// Check reads the log and describes each record Deploys leaves out, with
// the file and record number; the error is the one Deploys would return.
func (l *Log) Check() ([]string, error) {
	_, skips, err := l.read()
	notes := make([]string, len(skips))
	for i, s := range skips {
		notes[i] = fmt.Sprintf("deploy log %s: %s", l.path, s)
	}
	return notes, err
}

func (l *Log) read() ([]skills.Deploy, []Skip, error) {
	data, err := os.ReadFile(l.path)
	if err != nil {
		return nil, nil, fmt.Errorf("read deploy log: %w", err)
	}
	ds, skips, err := ParseLog(data)
	if err != nil {
		return nil, skips, fmt.Errorf("deploy log %s: %w", l.path, err)
	}
	return ds, skips, nil
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
