// Package githubtest is an in-memory GitHub for tests: one repository with
// blobs, trees, commits, refs, pull requests, comments and reviewers,
// served over the REST and GraphQL endpoints Wattson uses, with injectable
// failures (rate limits, server errors), GitHub App token minting, and a
// record of each request's credentials.
package githubtest

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Commit is a commit of the fake repository.
type Commit struct {
	SHA, Tree, Message, Login string
	Parents                   []string
}

// PR is a pull request of the fake repository.
type PR struct {
	Number              int
	NodeID              string
	Title, Body         string
	Head, Base          string
	Draft, Merged       bool
	State               string
	MergeCommit         string
	Reviewers, Comments []string
	// MergedBy and MergedAt say who merged it and when; a merge without
	// them is served as by "wattson[bot]" at 2025-06-01T00:00:00Z.
	MergedBy string
	MergedAt time.Time
	// ClosedBy and ClosedAt say who closed it without merging, and when.
	ClosedBy string
	ClosedAt time.Time
}

// Fault is an injected failure: the next Times requests whose "METHOD
// path" starts with Match get Status with Header.
type Fault struct {
	Match  string
	Status int
	Header map[string]string
	Times  int
}

// Server is the fake GitHub.
type Server struct {
	*httptest.Server
	// Token is the accepted personal token; AppKey, when set, is the
	// public key App JWTs must verify with, and installation tokens
	// minted are "ghs_installation_<n>" valid for TokenTTL.
	Token    string
	AppKey   *rsa.PublicKey
	TokenTTL time.Duration
	Now      func() time.Time

	mu      sync.Mutex
	blobs   map[string]string
	trees   map[string]map[string]string // tree sha → path → blob sha
	commits map[string]*Commit
	refs    map[string]string
	prs     []*PR
	faults  []*Fault
	calls   []string
	auths   []string // the Authorization header of each call
	minted  []string
	t       testing.TB
}

// New starts a fake GitHub for repository o/r with default branch main.
func New(t testing.TB, token string) *Server {
	s := &Server{Token: token, TokenTTL: time.Hour, Now: time.Now, blobs: map[string]string{}, trees: map[string]map[string]string{},
		commits: map[string]*Commit{}, refs: map[string]string{}, t: t}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func hash(kind, s string) string {
	h := sha1.Sum([]byte(kind + "\x00" + s))
	return hex.EncodeToString(h[:])
}

// Commit adds a commit on branch with files (path → content; "" deletes)
// over the branch's tree, authored by login, and returns its sha.
func (s *Server) Commit(branch, msg, login string, files map[string]string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	tree := map[string]string{}
	var parents []string
	if head, ok := s.refs["heads/"+branch]; ok {
		for p, b := range s.trees[s.commits[head].Tree] {
			tree[p] = b
		}
		parents = []string{head}
	}
	for p, c := range files {
		if c == "" {
			delete(tree, p)
			continue
		}
		b := hash("blob", c)
		s.blobs[b] = c
		tree[p] = b
	}
	c := s.addCommit(tree, msg, login, parents)
	s.refs["heads/"+branch] = c
	return c
}

func (s *Server) addTree(tree map[string]string) string {
	keys := make([]string, 0, len(tree))
	for p := range tree {
		keys = append(keys, p+"="+tree[p])
	}
	sort.Strings(keys)
	sha := hash("tree", strings.Join(keys, "\n"))
	s.trees[sha] = tree
	return sha
}

func (s *Server) addCommit(tree map[string]string, msg, login string, parents []string) string {
	t := s.addTree(tree)
	sha := hash("commit", t+msg+strings.Join(parents, ",")+fmt.Sprint(len(s.commits)))
	s.commits[sha] = &Commit{SHA: sha, Tree: t, Message: msg, Login: login, Parents: parents}
	return sha
}

// MergedPR records that a pull request from head landed commit sha.
func (s *Server) MergedPR(head, sha string) *PR {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := &PR{Number: len(s.prs) + 1, Head: head, Base: "main", Merged: true, State: "closed", MergeCommit: sha}
	p.NodeID = fmt.Sprintf("PR_%d", p.Number)
	s.prs = append(s.prs, p)
	return p
}

// OpenPR opens a pull request from head into main, as a person would on
// GitHub, and returns its number.
func (s *Server) OpenPR(head, title string, draft bool) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := &PR{Number: len(s.prs) + 1, Title: title, Head: head, Base: "main", Draft: draft, State: "open"}
	p.NodeID = fmt.Sprintf("PR_%d", p.Number)
	s.prs = append(s.prs, p)
	return p.Number
}

// MergeByHand merges pull request n as login at at, as someone pressing
// Merge on GitHub would, not through the API Wattson calls: a merge
// commit on the base branch when the head branch exists.
func (s *Server) MergeByHand(n int, login string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.prs[n-1]
	if head, ok := s.refs["heads/"+p.Head]; ok {
		base := s.refs["heads/"+p.Base]
		sha := s.addCommit(s.trees[s.commits[head].Tree], fmt.Sprintf("Merge pull request #%d", n), login, []string{base, head})
		s.refs["heads/"+p.Base] = sha
		p.MergeCommit = sha
	}
	p.Merged, p.State, p.Draft, p.MergedBy, p.MergedAt = true, "closed", false, login, at
}

// CloseByHand closes pull request n without merging as login at at, as
// someone pressing Close on GitHub would.
func (s *Server) CloseByHand(n int, login string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.prs[n-1]
	p.State, p.ClosedBy, p.ClosedAt = "closed", login, at
}

// File returns path's content at ref (a branch or a commit sha).
func (s *Server) File(ref, path string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h, ok := s.refs["heads/"+ref]; ok {
		ref = h
	}
	c, ok := s.commits[ref]
	if !ok {
		return "", false
	}
	b, ok := s.trees[c.Tree][path]
	return s.blobs[b], ok
}

// PRs returns copies of the pull requests.
func (s *Server) PRs() []PR {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]PR, len(s.prs))
	for i, p := range s.prs {
		out[i] = *p
	}
	return out
}

// Fail injects a fault.
func (s *Server) Fail(f Fault) {
	s.mu.Lock()
	s.faults = append(s.faults, &f)
	s.mu.Unlock()
}

// Calls counts requests whose "METHOD path" is call.
func (s *Server) Calls(call string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if c == call {
			n++
		}
	}
	return n
}

// Authorizations returns the Authorization header of each request whose
// "METHOD path" starts with call, in order ("" when it had none).
func (s *Server) Authorizations(call string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for i, c := range s.calls {
		if strings.HasPrefix(c, call) {
			out = append(out, s.auths[i])
		}
	}
	return out
}

// Minted returns the installation tokens minted so far.
func (s *Server) Minted() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.minted...)
}

func reply(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	call := r.Method + " " + r.URL.Path
	s.mu.Lock()
	s.calls = append(s.calls, call)
	s.auths = append(s.auths, r.Header.Get("Authorization"))
	var fault *Fault
	for _, f := range s.faults {
		if f.Times > 0 && strings.HasPrefix(call, f.Match) {
			f.Times--
			fault = f
			break
		}
	}
	s.mu.Unlock()
	if fault != nil {
		for k, v := range fault.Header {
			w.Header().Set(k, v)
		}
		reply(w, fault.Status, map[string]any{"message": http.StatusText(fault.Status)})
		return
	}
	if strings.HasPrefix(r.URL.Path, "/app/installations/") {
		s.mint(w, r)
		return
	}
	if !s.authorized(r.Header.Get("Authorization")) {
		reply(w, http.StatusUnauthorized, map[string]any{"message": "Bad credentials"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.URL.Path == "/graphql" {
		s.graphql(w, r)
		return
	}
	s.rest(w, r)
}

func (s *Server) authorized(h string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Token != "" && h == "Bearer "+s.Token {
		return true
	}
	for _, m := range s.minted {
		if h == "token "+m {
			return true
		}
	}
	return false
}

// mint answers an installation token request after verifying the JWT.
func (s *Server) mint(w http.ResponseWriter, r *http.Request) {
	jwt, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	parts := strings.Split(jwt, ".")
	if !ok || s.AppKey == nil || len(parts) != 3 {
		reply(w, http.StatusUnauthorized, map[string]any{"message": "A JSON web token could not be decoded"})
		return
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err != nil || rsa.VerifyPKCS1v15(s.AppKey, crypto.SHA256, sum[:], sig) != nil {
		reply(w, http.StatusUnauthorized, map[string]any{"message": "bad JWT signature"})
		return
	}
	s.mu.Lock()
	tok := fmt.Sprintf("ghs_installation_%d", len(s.minted)+1)
	s.minted = append(s.minted, tok)
	exp := s.Now().Add(s.TokenTTL)
	s.mu.Unlock()
	reply(w, http.StatusCreated, map[string]any{"token": tok, "expires_at": exp.UTC().Format(time.RFC3339)})
}
