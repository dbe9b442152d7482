// Package clock stamps events.
package clock

import "time"

// Event is something that happened.
type Event struct {
	Name string
	At   time.Time
}

// Stamp sets the time of every event to now.
func Stamp(evs []Event) {
	for i := range evs {
		evs[i].At = time.Now()
	}
}
