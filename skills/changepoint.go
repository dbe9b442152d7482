package skills

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/detector"
)

// ChangePoint is find_change_point's result: when a series stepped up.
type ChangePoint struct {
	Service string            `json:"service"`
	Metric  string            `json:"metric"`
	Labels  map[string]string `json:"labels,omitempty"`
	// ChangeTime is the first point at the new level.
	ChangeTime time.Time `json:"change_time"`
	// Before and After are the levels either side; Pct the change in
	// percent; Confidence the detector's, from 0 to 1.
	Before     float64 `json:"before"`
	After      float64 `json:"after"`
	Pct        float64 `json:"pct"`
	Confidence float64 `json:"confidence"`
	// Estimated is set when the detector found no change near the time
	// asked for and the levels are medians either side of it.
	Estimated bool `json:"estimated,omitempty"`
	// PlacementSeconds bounds, at 95%, how far ChangeTime may be from the
	// true onset (see Timing); 0 when estimated.
	PlacementSeconds float64 `json:"placement_seconds,omitempty"`
}

type changePointArgs struct {
	Service  string    `json:"service"`
	Metric   string    `json:"metric"`
	At       time.Time `json:"at"`
	Lookback string    `json:"lookback"`
}

// nearWindow is how far from a requested time a detected change may be.
const nearWindow = 6 * time.Hour

// NewFindChangePoint returns the find_change_point skill: it runs the
// detector over the service's metric from src. now is the clock.
func NewFindChangePoint(src SeriesSource, now func() time.Time) Skill {
	info := Info{
		Name:        "find_change_point",
		Description: "Finds when a service metric stepped up, and by how much, using Wattson's change-point detector.",
		Schema: json.RawMessage(`{"type":"object","required":["service"],"properties":{
"service":{"type":"string"},
"metric":{"type":"string","description":"metric name; default: the service's only non-build_info series"},
"at":{"type":"string","format":"date-time","description":"look for the change nearest this time"},
"lookback":{"type":"string","description":"how far back to look without 'at', as a Go duration; default 240h"}}}`),
	}
	return New(info, func(ctx context.Context, in changePointArgs) (Output, error) {
		end, look := now(), 240*time.Hour
		if in.Lookback != "" {
			d, err := time.ParseDuration(in.Lookback)
			if err != nil {
				return Output{}, fmt.Errorf("parse lookback: %w", err)
			}
			look = d
		}
		if !in.At.IsZero() {
			end = in.At.Add(look / 2)
		}
		ss, err := src.Series(ctx, in.Metric, in.Service, end.Add(-look), end)
		if err != nil {
			return Output{}, fmt.Errorf("read series: %w", err)
		}
		s, err := pickSeries(ss, in.Metric)
		if err != nil {
			return Output{}, err
		}
		cp := changeIn(s, in.At)
		cp.Service = in.Service
		if cp.ChangeTime.IsZero() {
			return Output{}, fmt.Errorf("find change in %s: no step up found", cp.Metric)
		}
		sum := fmt.Sprintf("%s stepped up %+.1f%% at %s (%.4g → %.4g, confidence %.3f)",
			cp.Metric, cp.Pct, cp.ChangeTime.Format(time.RFC3339), cp.Before, cp.After, cp.Confidence)
		if cp.Estimated {
			sum = fmt.Sprintf("no change detected near %s; levels either side: %.4g → %.4g (%+.1f%%)",
				cp.ChangeTime.Format(time.RFC3339), cp.Before, cp.After, cp.Pct)
		}
		return Output{Summary: sum, Data: cp}, nil
	})
}

// pickSeries chooses the series to scan: build_info series are deploy
// markers, not measurements.
func pickSeries(ss []detector.Series, metric string) (detector.Series, error) {
	var cands []detector.Series
	for _, s := range ss {
		if metric == "" && strings.HasSuffix(s.Labels["__name__"], "_build_info") {
			continue
		}
		if len(s.Values) > 0 {
			cands = append(cands, s)
		}
	}
	if len(cands) == 0 {
		return detector.Series{}, fmt.Errorf("pick series: only build_info series for the service: %w", ErrNoSeries)
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].Key() < cands[j].Key() })
	return cands[0], nil
}

// changeIn finds the step up nearest at (the strongest one when at is
// zero), falling back to medians either side of at.
func changeIn(s detector.Series, at time.Time) ChangePoint {
	cp := ChangePoint{Metric: s.Labels["__name__"], Labels: s.Labels}
	var best *detector.Change
	changes := detectCoarse(s)
	for i := range changes {
		c := &changes[i]
		if c.Direction != detector.Up {
			continue
		}
		if !at.IsZero() {
			if d := absDur(c.Time.Sub(at)); d <= nearWindow && (best == nil || d < absDur(best.Time.Sub(at))) {
				best = c
			}
			continue
		}
		if best == nil || c.Pct*c.Confidence > best.Pct*best.Confidence {
			best = c
		}
	}
	if best != nil {
		cp.ChangeTime, cp.Before, cp.After, cp.Pct, cp.Confidence = best.Time.UTC(), best.Before, best.After, best.Pct, best.Confidence
		cp.PlacementSeconds = placementError(s, best.Index).Seconds()
		return cp
	}
	if at.IsZero() {
		return cp
	}
	var lo, hi []float64
	for i, t := range s.Times {
		switch d := time.Unix(t, 0).Sub(at); {
		case d < 0 && d >= -nearWindow:
			lo = append(lo, s.Values[i])
		case d > 0 && d <= nearWindow:
			hi = append(hi, s.Values[i])
		}
	}
	cp.ChangeTime, cp.Estimated = at.UTC(), true
	cp.Before, cp.After = median(lo), median(hi)
	if cp.Before != 0 {
		cp.Pct = 100 * (cp.After - cp.Before) / math.Abs(cp.Before)
	}
	return cp
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}
