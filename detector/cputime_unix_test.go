//go:build unix

package detector

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process has used (user and system), which
// a busy shared machine inflates far less than wall time.
func cpuTime() time.Duration {
	var r syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &r); err != nil {
		return 0
	}
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}
