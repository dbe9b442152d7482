package redis_test

import (
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/redis"
	"github.com/wattson-dev/wattson/store/redis/redistest"
	"github.com/wattson-dev/wattson/store/storetest"
)

// open opens a store on srv under a prefix of its own.
func open(t *testing.T, srv *redistest.Server, prefix string) *redis.Store {
	t.Helper()
	s, err := redis.Open(t.Context(), srv.URL(), redis.Options{Prefix: prefix})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	srv := redistest.Start(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		return open(t, srv, strings.ReplaceAll(t.Name(), "/", "."))
	})
}

func BenchmarkStore(b *testing.B) {
	srv := redistest.Start(b)
	storetest.Benchmark(b, func(b *testing.B) store.Store {
		s, err := redis.Open(b.Context(), srv.URL(), redis.Options{Prefix: b.Name()})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	})
}
