//go:build unix

package netpol_test

import (
	"syscall"
	"time"
)

// processCPU returns the user+system CPU time the process has used, so that
// benchmarks can report CPU time per operation on a loaded machine (wall
// time there measures the neighbours too).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
