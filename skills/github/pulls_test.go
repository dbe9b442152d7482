package github

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/github/githubtest"
)

const secretToken = "ghp_SECRET_token_never_shown_0123456789"

// sleeps records the waits between retries instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return nil
}

// repo builds o/r with a culprit commit by "ada" and a later unrelated one.
func repo(t *testing.T) (*githubtest.Server, string) {
	t.Helper()
	gh := githubtest.New(t, secretToken)
	gh.Commit("main", "initial", "bob", map[string]string{"go.mod": "module x\n", "price.go": "package x // fast\n", "old.go": "package x\n"})
	culprit := gh.Commit("main", "Validate prices with a regexp", "ada", map[string]string{"price.go": "package x // slow\n", "new.go": "package x // added\n", "old.go": ""})
	gh.Commit("main", "docs", "bob", map[string]string{"README.md": "x\n"})
	return gh, culprit
}

func host(t *testing.T, gh *githubtest.Server, logs *bytes.Buffer, sl *sleeps) *Host {
	t.Helper()
	h, err := New(Options{Owner: "o", Repo: "r", Token: secretToken, BaseURL: gh.URL, Sleep: sl.sleep, Now: time.Now,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestRevertBuildsTheRightTree(t *testing.T) {
	gh, culprit := repo(t)
	var logs bytes.Buffer
	h := host(t, gh, &logs, &sleeps{})
	ctx := context.Background()
	pr, err := h.Revert(ctx, skills.RevertRequest{Commit: culprit, Title: `Revert "Validate prices with a regexp"`, Body: "evidence", Reviewers: []string{"carol"}})
	if err != nil {
		t.Fatal(err)
	}
	if pr.State != skills.StateDraft || pr.Branch != skills.RevertBranch(culprit) || pr.Base != "main" || pr.Number == 0 {
		t.Fatalf("pr = %+v", pr)
	}
	for path, want := range map[string]string{"price.go": "package x // fast\n", "old.go": "package x\n", "README.md": "x\n"} {
		if got, _ := gh.File(pr.Branch, path); got != want {
			t.Errorf("%s on the revert branch = %q, want %q", path, got, want)
		}
	}
	if _, ok := gh.File(pr.Branch, "new.go"); ok {
		t.Error("new.go, added by the culprit, survived the revert")
	}
	got := gh.PRs()[pr.Number-1]
	if !got.Draft || got.Body != "evidence" || strings.Join(got.Reviewers, ",") != "ada,carol" {
		t.Fatalf("pull request %+v, want a draft with the body, ada and carol asked for review", got)
	}
	// Again: the open pull request is reused.
	again, err := h.Revert(ctx, skills.RevertRequest{Commit: culprit})
	if err != nil || again.Number != pr.Number || gh.Calls("POST /repos/o/r/pulls") != 1 {
		t.Fatalf("second revert = %+v, %v; %d creates", again, err, gh.Calls("POST /repos/o/r/pulls"))
	}
	// Approve (ready), then merge, then close is a no-op.
	ready, err := h.Ready(ctx, pr)
	if err != nil || ready.State != skills.StateOpen || gh.PRs()[pr.Number-1].Draft {
		t.Fatalf("ready = %+v, %v", ready, err)
	}
	merged, err := h.Merge(ctx, pr)
	if err != nil || merged.State != skills.StateMerged {
		t.Fatalf("merge = %+v, %v", merged, err)
	}
	if got, _ := gh.File("main", "price.go"); got != "package x // fast\n" {
		t.Errorf("main after merge: price.go = %q", got)
	}
	if again, err := h.Merge(ctx, pr); err != nil || again.State != skills.StateMerged || gh.Calls("PUT /repos/o/r/pulls/1/merge") != 1 {
		t.Fatalf("second merge = %+v, %v", again, err)
	}
	if strings.Contains(logs.String(), secretToken) {
		t.Error("token in logs")
	}
}

func TestRevertOfAMergedPullRequestUsesGraphQL(t *testing.T) {
	gh, culprit := repo(t)
	gh.MergedPR("feature/regexp", culprit)
	h := host(t, gh, &bytes.Buffer{}, &sleeps{})
	pr, err := h.Revert(context.Background(), skills.RevertRequest{Commit: culprit, Title: "Revert it", Body: "why"})
	if err != nil {
		t.Fatal(err)
	}
	if pr.Branch != "revert-1-feature/regexp" || pr.State != skills.StateDraft || gh.Calls("POST /graphql") != 1 || gh.Calls("POST /repos/o/r/git/commits") != 0 {
		t.Fatalf("pr = %+v, graphql calls %d", pr, gh.Calls("POST /graphql"))
	}
	if got, _ := gh.File(pr.Branch, "price.go"); got != "package x // fast\n" {
		t.Errorf("price.go = %q", got)
	}
}

func TestRevertConflictIsReported(t *testing.T) {
	gh, culprit := repo(t)
	gh.Commit("main", "Cache the regexp", "bob", map[string]string{"price.go": "package x // cached\n"})
	h := host(t, gh, &bytes.Buffer{}, &sleeps{})
	_, err := h.Revert(context.Background(), skills.RevertRequest{Commit: culprit})
	var ce *skills.ConflictError
	if !errors.As(err, &ce) || strings.Join(ce.Files, ",") != "price.go" {
		t.Fatalf("err = %v, want a conflict in price.go", err)
	}
	if gh.Calls("POST /repos/o/r/pulls") != 0 || gh.Calls("POST /repos/o/r/git/refs") != 0 {
		t.Error("a conflicting revert still made a branch or pull request")
	}
}

func TestCloseAndFix(t *testing.T) {
	gh, _ := repo(t)
	h := host(t, gh, &bytes.Buffer{}, &sleeps{})
	ctx := context.Background()
	pr, err := h.Fix(ctx, skills.FixRequest{Branch: "wattson/fix-O-3", Title: "Hoist regexp", Body: "bench: 1200 → 80 ns/op",
		Files: []skills.FileEdit{{Path: "price.go", Content: []byte("package x // hoisted\n")}, {Path: "README.md", Delete: true}}, Reviewers: []string{"ghost"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := gh.File("wattson/fix-O-3", "price.go"); got != "package x // hoisted\n" || gh.Calls("POST /repos/o/r/git/blobs") != 1 {
		t.Fatalf("fix branch price.go = %q", got)
	}
	if _, ok := gh.File("wattson/fix-O-3", "README.md"); ok {
		t.Error("README.md not deleted")
	}
	if len(pr.Notes) != 1 || !strings.Contains(pr.Notes[0], "could not ask [ghost] for review") {
		t.Errorf("notes = %q", pr.Notes)
	}
	closed, err := h.Close(ctx, pr, "fixing forward")
	if err != nil || closed.State != skills.StateClosed {
		t.Fatalf("close = %+v, %v", closed, err)
	}
	p := gh.PRs()[pr.Number-1]
	if p.State != "closed" || strings.Join(p.Comments, "") != "fixing forward" {
		t.Fatalf("pull request %+v", p)
	}
	if _, err := h.Close(ctx, pr, "again"); err != nil || len(gh.PRs()[pr.Number-1].Comments) != 1 {
		t.Fatalf("second close: %v", err)
	}
}

func TestRetriesRateLimitsAndServerErrors(t *testing.T) {
	gh, culprit := repo(t)
	reset := time.Now().Add(30 * time.Second).Unix()
	gh.Fail(githubtest.Fault{Match: "GET /repos/o/r/pulls", Status: 429, Header: map[string]string{"Retry-After": "7"}, Times: 1})
	gh.Fail(githubtest.Fault{Match: "POST /repos/o/r/git/trees", Status: 403, Times: 1,
		Header: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": itoa(reset)}})
	gh.Fail(githubtest.Fault{Match: "POST /repos/o/r/pulls", Status: 502, Times: 2})
	var logs bytes.Buffer
	sl := &sleeps{}
	h := host(t, gh, &logs, sl)
	pr, err := h.Revert(context.Background(), skills.RevertRequest{Commit: culprit})
	if err != nil {
		t.Fatal(err)
	}
	if len(sl.d) != 4 || sl.d[0] != 7*time.Second || sl.d[1] < 20*time.Second || sl.d[2] != time.Second || sl.d[3] != 2*time.Second {
		t.Fatalf("waits = %v, want 7s, ~31s, then 1s, 2s backoff", sl.d)
	}
	if len(pr.Notes) != 4 || !strings.Contains(pr.Notes[0], "rate limit (429): waited 7s") || !strings.Contains(pr.Notes[3], "server error (502)") {
		t.Fatalf("notes = %q", pr.Notes)
	}
	if gh.Calls("POST /repos/o/r/pulls") != 3 || len(gh.PRs()) != 1 {
		t.Fatalf("%d creates, %d pull requests", gh.Calls("POST /repos/o/r/pulls"), len(gh.PRs()))
	}
	// A plain 403 (no rate limit headers) is not retried; nor is a 5xx forever.
	gh.Fail(githubtest.Fault{Match: "GET /repos/o/r/pulls/1", Status: 403, Times: 1})
	if _, err := h.Ready(context.Background(), pr); err == nil {
		t.Fatal("403 without rate limit headers succeeded")
	}
	gh.Fail(githubtest.Fault{Match: "GET /repos/o/r/pulls/1", Status: 503, Times: 10})
	res, err := h.Ready(context.Background(), pr)
	if err == nil || len(res.Notes) != 3 {
		t.Fatalf("ready during an outage = %+v, %v; want an error after 3 noted retries", res, err)
	}
	if strings.Contains(logs.String(), secretToken) || strings.Contains(err.Error(), secretToken) {
		t.Error("token leaked into logs or errors")
	}
}

func TestGitHubAppTokenIsMintedAndRefreshed(t *testing.T) {
	gh, _ := repo(t)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	gh.Token, gh.AppKey = "", &key.PublicKey
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	gh.Now, gh.TokenTTL = clock, time.Hour
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	var logs bytes.Buffer
	h, err := New(Options{Owner: "o", Repo: "r", BaseURL: gh.URL + "/", Now: clock, App: &App{ID: 42, InstallationID: 7, PrivateKey: pemKey},
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for range 3 {
		if _, _, err := h.openPR(ctx, "x"); err != nil {
			t.Fatal(err)
		}
	}
	if m := gh.Minted(); len(m) != 1 {
		t.Fatalf("minted %v, want one token for three calls", m)
	}
	now = now.Add(56 * time.Minute) // within 5 minutes of expiry: replaced
	if _, _, err := h.openPR(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	if m := gh.Minted(); len(m) != 2 {
		t.Fatalf("minted %v, want a refresh before expiry", m)
	}
	if strings.Contains(logs.String(), "ghs_") || strings.Contains(logs.String(), "PRIVATE KEY") {
		t.Error("token or key in logs")
	}
	if _, err := New(Options{Owner: "o", Repo: "r", BaseURL: gh.URL, App: &App{ID: 1, PrivateKey: []byte("nope")}}); err != nil {
		t.Fatalf("New must not parse the key (no I/O, no failure until used): %v", err)
	}
}

func TestGraphQLURL(t *testing.T) {
	for base, want := range map[string]string{"https://api.github.com/": "https://api.github.com/graphql",
		"https://ghe.example.com/api/v3/": "https://ghe.example.com/api/graphql", "http://127.0.0.1:9/": "http://127.0.0.1:9/graphql"} {
		h, err := New(Options{BaseURL: base})
		if err != nil || h.graphql != want {
			t.Errorf("%s: graphql %q, %v; want %q", base, h.graphql, err, want)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestChangesListTheComparisonWithTheCredentials(t *testing.T) {
	gh, culprit := repo(t)
	var logs bytes.Buffer
	h := host(t, gh, &logs, &sleeps{})
	first := gh.Commit("main", "later", "bob", map[string]string{"later.go": "package x\n"})
	cs, err := h.Changes(t.Context(), culprit, first)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].Title != "docs" || cs[1].SHA != first || len(cs[1].Files) != 1 || cs[1].Files[0].Path != "later.go" {
		t.Fatalf("changes %+v", cs)
	}
	if _, err := h.Changes(t.Context(), "nope", first); !errors.Is(err, skills.ErrUnknownRevision) {
		t.Errorf("unknown base: %v", err)
	}
	for _, a := range gh.Authorizations("GET /repos/o/r/compare/") {
		if a != "Bearer "+secretToken {
			t.Errorf("compare sent Authorization %q", a)
		}
	}
	if n := len(gh.Authorizations("GET /repos/o/r/")); n != 4 { // two compares, two commits
		t.Errorf("%d requests recorded", n)
	}
}
