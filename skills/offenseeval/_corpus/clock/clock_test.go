package clock

import (
	"testing"
	"time"
)

func TestStamp(t *testing.T) {
	evs := make([]Event, 50)
	before := time.Now()
	Stamp(evs)
	after := time.Now()
	for i, e := range evs {
		if e.At.Before(before) || e.At.After(after) {
			t.Errorf("event %d stamped %v, outside [%v, %v]", i, e.At, before, after)
		}
	}
	Stamp(nil)
}

func BenchmarkStamp(b *testing.B) {
	evs := make([]Event, 256)
	for range b.N {
		Stamp(evs)
	}
}
