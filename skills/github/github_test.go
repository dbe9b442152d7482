package github

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/skills"
)

const (
	shaA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	shaB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	shaC = "cccccccccccccccccccccccccccccccccccccccc"
)

// fakeGitHub speaks the REST endpoints Host uses, with the shapes GitHub
// documents, and records whether every request carried the token.
func fakeGitHub(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	reply := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
	commit := func(sha, title, date string, files []map[string]any) map[string]any {
		return map[string]any{"sha": sha, "commit": map[string]any{
			"message":   title + "\n\nbody",
			"author":    map[string]any{"name": "Ada", "email": "ada@example.com", "date": date},
			"committer": map[string]any{"name": "GitHub", "email": "noreply@github.com", "date": date},
		}, "files": files}
	}
	commits := map[string]map[string]any{
		shaB: commit(shaB, "feat: b", "2025-01-02T10:00:00Z", []map[string]any{{"filename": "x.go", "status": "modified", "additions": 1, "deletions": 1, "patch": "@@ -1,1 +1,1 @@\n-a\n+b"}}),
		shaC: commit(shaC, "refactor: move", "2025-01-03T10:00:00Z", []map[string]any{{"filename": "y.go", "previous_filename": "x.go", "status": "renamed", "patch": ""}}),
	}
	mux.HandleFunc("GET /repos/o/r/compare/{spec}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("spec") != shaA+"..."+shaC {
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
			return
		}
		reply(w, map[string]any{"total_commits": 2, "commits": []any{commits[shaB], commits[shaC]}})
	})
	mux.HandleFunc("GET /repos/o/r/commits/{sha}", func(w http.ResponseWriter, r *http.Request) {
		c, ok := commits[r.PathValue("sha")]
		if !ok {
			w.WriteHeader(http.StatusUnprocessableEntity)
			reply(w, map[string]any{"message": "No commit found for SHA"})
			return
		}
		reply(w, c)
	})
	mux.HandleFunc("GET /repos/o/r/contents/{path...}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("path") != "go.mod" || r.URL.Query().Get("ref") != shaC {
			w.WriteHeader(http.StatusNotFound)
			reply(w, map[string]any{"message": "Not Found"})
			return
		}
		reply(w, map[string]any{"type": "file", "encoding": "base64", "path": "go.mod",
			"content": base64.StdEncoding.EncodeToString([]byte("module example.com/x\n"))})
	})
	mux.HandleFunc("GET /repos/o/r/deployments", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("environment") != "production" {
			t.Errorf("deployments without environment filter: %s", r.URL)
		}
		reply(w, []map[string]any{
			{"sha": shaC, "ref": "v1.1.0", "environment": "production", "created_at": "2025-01-03T12:00:00Z"},
			{"sha": shaA, "ref": "v1.0.0", "environment": "production", "created_at": "2025-01-01T12:00:00Z"},
		})
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != "Bearer tok" {
			t.Errorf("%s %s: Authorization = %q", r.Method, r.URL.Path, got)
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func newHost(t *testing.T) *Host {
	t.Helper()
	h, err := New(Options{Owner: "o", Repo: "r", Token: "tok", BaseURL: fakeGitHub(t).URL})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestChanges(t *testing.T) {
	h := newHost(t)
	cs, err := h.Changes(context.Background(), shaA, shaC)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].SHA != shaB || cs[0].Title != "feat: b" || cs[0].Author != "Ada" {
		t.Fatalf("changes = %+v", cs)
	}
	if f := cs[0].Files[0]; f.Path != "x.go" || f.OldPath != "x.go" || f.Status != "modified" || f.Patch == "" {
		t.Errorf("file = %+v", f)
	}
	if f := cs[1].Files[0]; f.Path != "y.go" || f.OldPath != "x.go" || f.Status != "renamed" {
		t.Errorf("renamed file = %+v", f)
	}
	if !cs[0].AuthorTime.Equal(time.Date(2025, 1, 2, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("author time = %v", cs[0].AuthorTime)
	}
	if _, err := h.Changes(context.Background(), shaA, "nope"); !errors.Is(err, skills.ErrUnknownRevision) {
		t.Errorf("unknown revision: err = %v", err)
	}
}

func TestReadFile(t *testing.T) {
	h := newHost(t)
	mod, err := skills.ModulePath(context.Background(), h, shaC)
	if err != nil || mod != "example.com/x" {
		t.Fatalf("module = %q, %v", mod, err)
	}
	if _, err := h.ReadFile(context.Background(), shaC, "missing.go"); !errors.Is(err, skills.ErrNotFound) {
		t.Errorf("missing file: err = %v", err)
	}
}

func TestDeploys(t *testing.T) {
	h := newHost(t)
	ds, err := h.Deploys(context.Background(), "svc", time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC), time.Date(2025, 1, 5, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 || ds[0].Revision != shaA || ds[1].Revision != shaC || ds[1].Version != "v1.1.0" {
		t.Fatalf("deploys = %+v", ds)
	}
}
