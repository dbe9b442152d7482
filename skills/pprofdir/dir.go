// Package pprofdir stores and serves CPU profiles of services: a directory
// laid out as profiles/<service>/<RFC3339>.pb.gz, and a capturer that pulls
// profiles from a pprof HTTP endpoint into it.
package pprofdir

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/google/pprof/profile"

	"github.com/wattson-dev/wattson/skills"
)

// Dir is a directory of profiles, one subdirectory per service.
type Dir struct {
	root string
}

var _ skills.ProfileSource = (*Dir)(nil)

// New returns the profile directory rooted at root. It does no I/O.
func New(root string) *Dir {
	return &Dir{root: root}
}

// ext is the file name suffix of a stored profile.
const ext = ".pb.gz"

// List returns the service's profiles, oldest first. Files whose names are
// not RFC 3339 times are ignored.
func (d *Dir) List(_ context.Context, service string) ([]skills.ProfileRef, error) {
	if !validService(service) {
		return nil, fmt.Errorf("list profiles: bad service name %q", service)
	}
	dir := filepath.Join(d.root, service)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("list profiles of %s: no directory %s: %w", service, dir, skills.ErrNoProfile)
	}
	if err != nil {
		return nil, fmt.Errorf("list profiles of %s: %w", service, err)
	}
	var refs []skills.ProfileRef
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ext) {
			continue
		}
		t, err := time.Parse(time.RFC3339, strings.TrimSuffix(name, ext))
		if err != nil {
			continue
		}
		refs = append(refs, skills.ProfileRef{Service: service, Time: t.UTC(), Source: filepath.Join(dir, name)})
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].Time.Before(refs[j].Time) })
	return refs, nil
}

// Load parses a stored profile.
func (d *Dir) Load(_ context.Context, ref skills.ProfileRef) (*profile.Profile, error) {
	f, err := os.Open(ref.Source)
	if err != nil {
		return nil, fmt.Errorf("open profile: %w", err)
	}
	defer f.Close()
	p, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", filepath.Base(ref.Source), err)
	}
	return p, nil
}

// Path is where a profile of service captured at t is stored.
func (d *Dir) Path(service string, t time.Time) string {
	return filepath.Join(d.root, service, t.UTC().Format(time.RFC3339)+ext)
}

// validService reports whether service can name a directory under the root.
func validService(service string) bool {
	return service != "" && !strings.ContainsAny(service, `/\`) && service != "." && service != ".."
}
