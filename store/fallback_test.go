package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// flaky is an Idempotency that fails while down.
type flaky struct {
	down bool
	seen map[string]bool
}

func (f *flaky) Remember(_ context.Context, key string, _ time.Duration) (bool, error) {
	if f.down {
		return false, errors.New("dial tcp: connection refused")
	}
	first := !f.seen[key]
	f.seen[key] = true
	return first, nil
}

func TestRememberFallbackKeepsRefusingReplaysWhileTheStoreIsDown(t *testing.T) {
	now := time.Date(2025, 6, 4, 12, 0, 0, 0, time.UTC)
	primary := &flaky{seen: map[string]bool{}}
	failures := 0
	f := NewRememberFallback(primary, func() time.Time { return now })
	f.Failed = func(error) { failures++ }
	ctx := context.Background()
	remember := func(key string) bool {
		t.Helper()
		first, err := f.Remember(ctx, key, time.Minute)
		if err != nil {
			t.Fatalf("Remember(%s) = %v, want no error ever", key, err)
		}
		return first
	}
	if !remember("a") || remember("a") {
		t.Fatal("with the store up: a first time, then a replay")
	}
	primary.down = true
	if !remember("b") || remember("b") {
		t.Fatal("with the store down: b first in memory, then refused as a replay")
	}
	if failures != 1 {
		t.Errorf("%d failures told, want 1 (the replay was refused from memory)", failures)
	}
	primary.down = false
	if remember("b") {
		t.Error("b, seen while the store was down, was accepted once it came back")
	}
	now = now.Add(2 * time.Minute)
	if !remember("b") {
		t.Error("b still refused after its window")
	}
}
