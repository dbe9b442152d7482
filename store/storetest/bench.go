package storetest

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/store"
)

// Benchmark measures the operations Wattson does most, as sub-benchmarks
// of b, on a store that open returns empty.
func Benchmark(b *testing.B, open func(b *testing.B) store.Store) {
	b.Run("CreateRegressionIfNew", func(b *testing.B) {
		s, ctx := open(b), b.Context()
		i := 0
		for b.Loop() {
			r := regression("checkout")
			r.Fingerprint = fmt.Sprint(i)
			i++
			if _, err := s.CreateRegressionIfNew(ctx, r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GetRegression", func(b *testing.B) {
		s, ctx := open(b), b.Context()
		r := regression("checkout")
		if _, err := s.CreateRegressionIfNew(ctx, r); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := s.GetRegression(ctx, r.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("EnqueueDequeueAck", func(b *testing.B) {
		s, ctx := open(b), b.Context()
		payload := json.RawMessage(`{"regression":"R-1"}`)
		for b.Loop() {
			if _, err := s.Enqueue(ctx, "investigate", payload); err != nil {
				b.Fatal(err)
			}
			job, err := s.Dequeue(ctx, "w", time.Second)
			if err != nil {
				b.Fatal(err)
			}
			if err := s.Ack(ctx, job.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Remember", func(b *testing.B) {
		s, ctx := open(b), b.Context()
		i := 0
		for b.Loop() {
			i++
			if _, err := s.Remember(ctx, fmt.Sprint("ev", i), time.Hour); err != nil {
				b.Fatal(err)
			}
		}
	})
}
