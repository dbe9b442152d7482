package funcseries

import (
	"bytes"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/detector/funcsynth"
)

// BenchmarkIngest measures profile ingestion: parsing one CPU profile of a
// 300-function service (gzipped pprof, as captured) and appending it to a
// rolling set (parse+append), and a whole tick's bookkeeping on a set of
// 432 points as the store holds it: decode, parse, append, trim, encode
// (tick).
//
//	go test -run '^$' -bench Ingest ./detector/funcseries/
func BenchmarkIngest(b *testing.B) {
	c := funcsynth.Case{Service: "svc", Kind: funcsynth.KindNone}
	profiles, _ := funcsynth.Service(funcsynth.Config{Seed: 2, Points: 433, Functions: 300}, &c, 0)
	var last bytes.Buffer
	if err := profiles[432].Write(&last); err != nil {
		b.Fatal(err)
	}
	base := new(Set)
	for _, p := range profiles[:432] {
		snap, err := FromProfile(p, time.Time{})
		if err != nil {
			b.Fatal(err)
		}
		if err := base.Append(snap); err != nil {
			b.Fatal(err)
		}
	}
	stored, err := base.Encode()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("parse+append", func(b *testing.B) {
		b.SetBytes(int64(last.Len()))
		set := new(Set)
		at := time.Unix(1_800_000_000, 0)
		for b.Loop() {
			snap, err := Parse(bytes.NewReader(last.Bytes()), "bench")
			if err != nil {
				b.Fatal(err)
			}
			at = at.Add(time.Minute)
			snap.Time = at
			if err := set.Append(snap); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("tick", func(b *testing.B) {
		b.SetBytes(int64(last.Len()))
		b.ReportMetric(float64(len(stored)), "stored_bytes")
		for b.Loop() {
			snap, err := Parse(bytes.NewReader(last.Bytes()), "bench")
			if err != nil {
				b.Fatal(err)
			}
			set, err := Decode(stored)
			if err != nil {
				b.Fatal(err)
			}
			if err := set.Append(snap); err != nil {
				b.Fatal(err)
			}
			set.Trim(time.Unix(set.Times[1], 0))
			if _, err := set.Encode(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
