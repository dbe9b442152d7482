package sample

import (
	"context"
	"embed"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"time"
)

// service holds every version of every file of the sample service; a
// commit names the versions it writes.
//
//go:embed all:_service
var service embed.FS

// release is a tagged commit deployed to production.
type release struct {
	Tag      string    `json:"tag"`
	Revision string    `json:"revision"`
	Time     time.Time `json:"time"`
}

// written is what writeRepo made: the releases in order, the culprit and
// every commit sha, oldest first.
type written struct {
	releases []release
	culprit  string
	title    string
	shas     []string
	authors  int
}

// writeRepo creates the git repository at dir from history, with dates
// relative to end.
func writeRepo(ctx context.Context, dir string, end time.Time) (written, error) {
	var w written
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return w, fmt.Errorf("create repository: %w", err)
	}
	g := gitRepo{dir: dir}
	if _, err := g.run(ctx, nil, "init", "--quiet", "--initial-branch=main"); err != nil {
		return w, err
	}
	authors := map[string]bool{}
	host := person{"GitHub", "noreply@github.com"} // squash-merges pull requests
	for _, c := range history() {
		if err := writeFiles(dir, c.files); err != nil {
			return w, err
		}
		paths := make([]string, 0, len(c.files))
		for p := range c.files {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		if _, err := g.run(ctx, nil, append([]string{"add", "--"}, paths...)...); err != nil {
			return w, err
		}
		at := end.Add(c.at)
		id := &identity{author: c.author, committer: host, authorAt: at, commitAt: at.Add(mergedAfter)}
		if _, err := g.run(ctx, id, "commit", "--quiet", "-m", c.subject); err != nil {
			return w, err
		}
		sha, err := g.run(ctx, nil, "rev-parse", "HEAD")
		if err != nil {
			return w, err
		}
		w.shas = append(w.shas, sha)
		authors[c.author.email] = true
		if c.culprit {
			w.culprit, w.title = sha, c.subject
		}
		if c.tag != "" {
			tagger := &identity{author: c.author, committer: c.author, authorAt: id.commitAt, commitAt: id.commitAt}
			if _, err := g.run(ctx, tagger, "tag", "-a", c.tag, "-m", "release "+c.tag); err != nil {
				return w, err
			}
			w.releases = append(w.releases, release{Tag: c.tag, Revision: sha, Time: end.Add(c.deploy)})
		}
	}
	w.authors = len(authors)
	return w, nil
}

// writeFiles copies the named versions of files into the work tree.
func writeFiles(dir string, files map[string]string) error {
	for dst, src := range files {
		data, err := service.ReadFile(path.Join("_service", src))
		if err != nil {
			return fmt.Errorf("read sample file %s: %w", src, err)
		}
		full := filepath.Join(dir, filepath.FromSlash(dst))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return fmt.Errorf("write %s: %w", dst, err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", dst, err)
		}
	}
	return nil
}
