package discord

import "sync"

// threadSet remembers the threads the adapter started or found, so that
// replies go straight to them. It forgets everything when it holds max
// ids; a forgotten thread is found again with one REST call.
type threadSet struct {
	max int

	mu  sync.Mutex
	ids map[string]struct{}
}

func newThreadSet(max int) *threadSet {
	return &threadSet{max: max, ids: map[string]struct{}{}}
}

func (t *threadSet) has(id string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, ok := t.ids[id]
	return ok
}

func (t *threadSet) add(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.ids) >= t.max {
		clear(t.ids)
	}
	t.ids[id] = struct{}{}
}
