package storetest

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/wattson-dev/wattson/store"
)

// testFunctionSeries checks store.FunctionSeries: values per service, the
// version check, and that of two writers from one version only one wins.
func testFunctionSeries(t *testing.T, s store.Store) {
	fss, ok := s.(store.FunctionSeriesStore)
	if !ok {
		t.Fatalf("%T keeps no function series", s)
	}
	fs := fss.FunctionSeries()
	ctx := context.Background()
	data, v, err := fs.LoadSeries(ctx, "checkout")
	if err != nil || data != nil || v != 0 {
		t.Fatalf("nothing stored: got %q, version %d, %v; want nil, 0, nil", data, v, err)
	}
	blob := []byte{0, 1, 2, 0xff, 'x'} // binary, with a zero byte
	if v, err = fs.SaveSeries(ctx, "checkout", blob, 0); err != nil || v != 1 {
		t.Fatalf("first save: version %d, %v; want 1", v, err)
	}
	if _, err := fs.SaveSeries(ctx, "checkout", []byte("stale"), 0); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("save at a stale version: %v, want ErrConflict", err)
	}
	if v, err = fs.SaveSeries(ctx, "search", []byte("other"), 0); err != nil || v != 1 {
		t.Fatalf("another service: version %d, %v; want 1", v, err)
	}
	data, v, err = fs.LoadSeries(ctx, "checkout")
	if err != nil || !bytes.Equal(data, blob) || v != 1 {
		t.Fatalf("load: %q, version %d, %v; want %q, 1", data, v, err, blob)
	}
	var wg sync.WaitGroup
	wins := make(chan int, 4)
	for i := range 4 {
		wg.Go(func() {
			if _, err := fs.SaveSeries(ctx, "checkout", []byte{byte(i)}, 1); err == nil {
				wins <- i
			} else if !errors.Is(err, store.ErrConflict) {
				t.Errorf("concurrent save: %v", err)
			}
		})
	}
	wg.Wait()
	close(wins)
	if n := len(wins); n != 1 {
		t.Fatalf("%d of 4 writers from version 1 won, want 1", n)
	}
	won := <-wins
	data, v, err = fs.LoadSeries(ctx, "checkout")
	if err != nil || !bytes.Equal(data, []byte{byte(won)}) || v != 2 {
		t.Errorf("after the race: %q, version %d, %v; want the winner's %d at version 2", data, v, err, won)
	}
}
