package funcseries

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/google/pprof/profile"
)

// maxProfileBytes bounds how much of a profile file is read.
const maxProfileBytes = 64 << 20

// ext is the file name suffix of a stored CPU profile.
const ext = ".pb.gz"

// AppendDir appends to set the service's profiles in the profile
// directory root (<root>/<service>/<RFC3339>.pb.gz) that are newer than
// its newest point, oldest first, and returns how many it added. Older
// files are not opened. A file that does not parse is an error naming it;
// the set keeps what was appended before it.
func AppendDir(set *Set, root, service string) (int, error) {
	if service == "" || strings.ContainsAny(service, `/\`) || service == "." || service == ".." {
		return 0, fmt.Errorf("read profiles: bad service name %q", service)
	}
	dir := filepath.Join(root, service)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("read profiles of %s: no directory %s", service, dir)
	}
	if err != nil {
		return 0, fmt.Errorf("read profiles of %s: %w", service, err)
	}
	type file struct {
		t    time.Time
		path string
	}
	var files []file
	var newest int64 = -1 << 63
	if n := set.Len(); n > 0 {
		newest = set.Times[n-1]
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ext)
		if e.IsDir() || !ok {
			continue
		}
		t, err := time.Parse(time.RFC3339, name)
		if err != nil || t.Unix() <= newest {
			continue
		}
		files = append(files, file{t.UTC(), filepath.Join(dir, e.Name())})
	}
	slices.SortFunc(files, func(a, b file) int { return a.t.Compare(b.t) })
	for i, f := range files {
		snap, err := readSnapshot(f.path, f.t)
		if err != nil {
			return i, err
		}
		if err := set.Append(snap); err != nil {
			return i, fmt.Errorf("profile %s: %w", f.path, err)
		}
	}
	return len(files), nil
}

// readSnapshot parses one profile file; its time is the file's name (the
// capture time), whatever the profile says.
func readSnapshot(path string, t time.Time) (Snapshot, error) {
	snap, err := ReadSnapshot(path)
	if err != nil {
		return Snapshot{}, err
	}
	snap.Time = t
	return snap, nil
}

// ReadSnapshot parses the profile file at path (gzip-compressed or not).
func ReadSnapshot(path string) (Snapshot, error) {
	f, err := os.Open(path)
	if err != nil {
		return Snapshot{}, fmt.Errorf("read profile: %w", err)
	}
	defer f.Close()
	return Parse(f, path)
}

// Parse reads a pprof profile from r (named where, for errors).
func Parse(r io.Reader, where string) (Snapshot, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxProfileBytes+1))
	if err != nil {
		return Snapshot{}, fmt.Errorf("read profile %s: %w", where, err)
	}
	if len(data) > maxProfileBytes {
		return Snapshot{}, fmt.Errorf("read profile %s: larger than %d bytes", where, maxProfileBytes)
	}
	p, err := profile.Parse(bytes.NewReader(data))
	if err != nil {
		return Snapshot{}, fmt.Errorf("parse profile %s: %w", where, err)
	}
	snap, err := FromProfile(p, time.Time{})
	if err != nil {
		return Snapshot{}, fmt.Errorf("profile %s: %w", where, err)
	}
	return snap, nil
}
