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

// ListKind returns the service's profiles of one kind, oldest first: "cpu"
// profiles are <RFC3339>.pb.gz, other kinds (mutex, block)
// <RFC3339>.<kind>.pb.gz beside them.
func (d *Dir) ListKind(ctx context.Context, service, kind string) ([]skills.ProfileRef, error) {
	if kind == "cpu" || kind == "" {
		return d.List(ctx, service)
	}
	if !validService(service) || strings.ContainsAny(kind, `/\.`) {
		return nil, fmt.Errorf("list %s profiles: bad service %q", kind, service)
	}
	dir := filepath.Join(d.root, service)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list %s profiles of %s: %w", kind, service, err)
	}
	suffix := "." + kind + ext
	var refs []skills.ProfileRef
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), suffix)
		if e.IsDir() || !ok {
			continue
		}
		t, err := time.Parse(time.RFC3339, name)
		if err != nil {
			continue
		}
		refs = append(refs, skills.ProfileRef{Service: service, Time: t.UTC(), Source: filepath.Join(dir, e.Name())})
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].Time.Before(refs[j].Time) })
	return refs, nil
}

// LoadKind parses a stored profile of any kind.
func (d *Dir) LoadKind(_ context.Context, ref skills.ProfileRef) (*profile.Profile, error) {
	f, err := os.Open(ref.Source)
	if err != nil {
		return nil, fmt.Errorf("open profile: %w", err)
	}
	defer f.Close()
	data, err := readLimited(f)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", filepath.Base(ref.Source), err)
	}
	p, err := profile.ParseData(data)
	if err != nil {
		return nil, fmt.Errorf("parse profile %s: %w", filepath.Base(ref.Source), err)
	}
	return p, nil
}

// readLimited reads at most maxProfileBytes.
func readLimited(f *os.File) ([]byte, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read profile: %w", err)
	}
	if st.Size() > maxProfileBytes {
		return nil, fmt.Errorf("read profile: larger than %d bytes", maxProfileBytes)
	}
	data, err := os.ReadFile(f.Name())
	if err != nil {
		return nil, fmt.Errorf("read profile: %w", err)
	}
	return data, nil
}
