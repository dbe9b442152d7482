package pprofdir

import (
	"errors"
	"fmt"
	"io"

	"github.com/google/pprof/profile"
)

// maxProfileBytes bounds how much of a profile file is read.
const maxProfileBytes = 64 << 20

// ErrNotCPUProfile reports a valid profile that holds no CPU samples.
var ErrNotCPUProfile = errors.New("not a CPU profile")

// Parse reads a pprof protobuf profile (gzip-compressed or not) and checks
// that it is a CPU profile with samples.
func Parse(r io.Reader) (*profile.Profile, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxProfileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read profile: %w", err)
	}
	if len(data) > maxProfileBytes {
		return nil, fmt.Errorf("read profile: larger than %d bytes", maxProfileBytes)
	}
	p, err := profile.ParseData(data)
	if err != nil {
		return nil, fmt.Errorf("parse profile: %w", err)
	}
	if err := p.CheckValid(); err != nil {
		return nil, fmt.Errorf("parse profile: %w", err)
	}
	cpu := false
	for _, st := range p.SampleType {
		if st.Type == "cpu" || st.Unit == "nanoseconds" {
			cpu = true
		}
	}
	if !cpu || len(p.Sample) == 0 {
		return nil, ErrNotCPUProfile
	}
	return p, nil
}
