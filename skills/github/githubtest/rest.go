package githubtest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// rest serves the REST endpoints of repository o/r; s.mu is held.
func (s *Server) rest(w http.ResponseWriter, r *http.Request) {
	path, ok := strings.CutPrefix(r.URL.Path, "/repos/o/r")
	if !ok {
		reply(w, http.StatusNotFound, map[string]any{"message": "Not Found"})
		return
	}
	var body map[string]any
	_ = json.NewDecoder(r.Body).Decode(&body)
	str := func(k string) string { v, _ := body[k].(string); return v }
	seg := strings.Split(strings.Trim(path, "/"), "/")
	m := r.Method
	switch {
	case m == "GET" && path == "":
		reply(w, 200, map[string]any{"default_branch": "main", "full_name": "o/r"})
	case m == "GET" && strings.HasPrefix(path, "/git/ref/"):
		ref := strings.TrimPrefix(path, "/git/ref/")
		sha, ok := s.refs[ref]
		if !ok {
			reply(w, 404, map[string]any{"message": "Not Found"})
			return
		}
		reply(w, 200, map[string]any{"ref": "refs/" + ref, "object": map[string]any{"sha": sha, "type": "commit"}})
	case m == "POST" && path == "/git/refs":
		ref := strings.TrimPrefix(str("ref"), "refs/")
		if _, ok := s.refs[ref]; ok {
			reply(w, 422, map[string]any{"message": "Reference already exists"})
			return
		}
		s.refs[ref] = str("sha")
		reply(w, 201, map[string]any{"ref": "refs/" + ref, "object": map[string]any{"sha": str("sha")}})
	case m == "PATCH" && strings.HasPrefix(path, "/git/refs/"):
		ref := strings.TrimPrefix(path, "/git/refs/")
		s.refs[ref] = str("sha")
		reply(w, 200, map[string]any{"ref": "refs/" + ref, "object": map[string]any{"sha": str("sha")}})
	case m == "GET" && len(seg) == 3 && seg[0] == "git" && seg[1] == "commits":
		c, ok := s.commits[seg[2]]
		if !ok {
			reply(w, 404, map[string]any{"message": "Not Found"})
			return
		}
		reply(w, 200, s.gitCommit(c))
	case m == "POST" && path == "/git/commits":
		var parents []string
		for _, p := range body["parents"].([]any) {
			parents = append(parents, p.(string))
		}
		tree := s.trees[str("tree")]
		c := s.commits[s.addCommit(tree, str("message"), "wattson[bot]", parents)]
		reply(w, 201, s.gitCommit(c))
	case m == "GET" && len(seg) == 3 && seg[0] == "git" && seg[1] == "trees":
		tree, ok := s.trees[seg[2]]
		if !ok {
			reply(w, 404, map[string]any{"message": "Not Found"})
			return
		}
		var entries []map[string]any
		for _, p := range sortedKeys(tree) {
			entries = append(entries, map[string]any{"path": p, "mode": "100644", "type": "blob", "sha": tree[p]})
		}
		reply(w, 200, map[string]any{"sha": seg[2], "tree": entries, "truncated": false})
	case m == "POST" && path == "/git/trees":
		tree := map[string]string{}
		for p, b := range s.trees[str("base_tree")] {
			tree[p] = b
		}
		for _, e := range body["tree"].([]any) {
			e := e.(map[string]any)
			p, _ := e["path"].(string)
			if sha, ok := e["sha"].(string); ok {
				tree[p] = sha
			} else if content, ok := e["content"].(string); ok {
				b := hash("blob", content)
				s.blobs[b], tree[p] = content, b
			} else {
				delete(tree, p)
			}
		}
		reply(w, 201, map[string]any{"sha": s.addTree(tree)})
	case m == "POST" && path == "/git/blobs":
		content := str("content")
		if str("encoding") == "base64" {
			b, _ := base64.StdEncoding.DecodeString(content)
			content = string(b)
		}
		sha := hash("blob", content)
		s.blobs[sha] = content
		reply(w, 201, map[string]any{"sha": sha})
	case m == "GET" && len(seg) == 3 && seg[0] == "commits" && seg[2] == "pulls":
		var out []map[string]any
		for _, p := range s.prs {
			if p.MergeCommit == seg[1] {
				out = append(out, s.pr(p))
			}
		}
		reply(w, 200, out)
	case m == "GET" && len(seg) == 2 && seg[0] == "compare":
		base, head, _ := strings.Cut(seg[1], "...")
		s.compare(w, base, head)
	case m == "GET" && len(seg) == 2 && seg[0] == "commits":
		c, ok := s.commits[seg[1]]
		if !ok {
			reply(w, 422, map[string]any{"message": "No commit found for SHA"})
			return
		}
		reply(w, 200, s.repoCommit(c))
	case m == "GET" && path == "/pulls":
		head := strings.TrimPrefix(r.URL.Query().Get("head"), "o:")
		out := []map[string]any{}
		for _, p := range s.prs {
			if p.Head == head && (r.URL.Query().Get("state") != "open" || p.State == "open") {
				out = append(out, s.pr(p))
			}
		}
		reply(w, 200, out)
	case m == "POST" && path == "/pulls":
		for _, p := range s.prs {
			if p.Head == str("head") && p.State == "open" {
				reply(w, 422, map[string]any{"message": "A pull request already exists for o:" + p.Head})
				return
			}
		}
		draft, _ := body["draft"].(bool)
		p := &PR{Number: len(s.prs) + 1, Title: str("title"), Body: str("body"), Head: str("head"), Base: str("base"), Draft: draft, State: "open"}
		p.NodeID = fmt.Sprintf("PR_%d", p.Number)
		s.prs = append(s.prs, p)
		reply(w, 201, s.pr(p))
	case len(seg) >= 2 && (seg[0] == "pulls" || seg[0] == "issues"):
		s.pullAction(w, m, seg, body)
	default:
		reply(w, 404, map[string]any{"message": "Not Found: " + m + " " + path})
	}
}

// pullAction serves /pulls/{n}[/merge|/requested_reviewers] and
// /issues/{n}[/comments].
func (s *Server) pullAction(w http.ResponseWriter, m string, seg []string, body map[string]any) {
	n, _ := strconv.Atoi(seg[1])
	if n < 1 || n > len(s.prs) {
		reply(w, 404, map[string]any{"message": "Not Found"})
		return
	}
	p := s.prs[n-1]
	what := ""
	if len(seg) == 3 {
		what = seg[2]
	}
	switch {
	case m == "GET" && what == "" && seg[0] == "issues":
		reply(w, 200, s.issue(p))
	case m == "GET" && what == "":
		reply(w, 200, s.pr(p))
	case m == "PATCH" && what == "":
		if st, ok := body["state"].(string); ok {
			p.State = st
			if st == "closed" {
				p.ClosedBy, p.ClosedAt = "wattson[bot]", time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
			}
		}
		reply(w, 200, s.pr(p))
	case m == "PUT" && what == "merge":
		if p.Draft || p.State != "open" {
			reply(w, 405, map[string]any{"message": "Pull Request is not mergeable"})
			return
		}
		base, head := s.refs["heads/"+p.Base], s.refs["heads/"+p.Head]
		sha := s.addCommit(s.trees[s.commits[head].Tree], "Merge pull request #"+seg[1], "wattson[bot]", []string{base, head})
		s.refs["heads/"+p.Base] = sha
		p.Merged, p.State, p.MergeCommit = true, "closed", sha
		reply(w, 200, map[string]any{"merged": true, "sha": sha, "message": "Pull Request successfully merged"})
	case m == "POST" && what == "requested_reviewers":
		for _, r := range body["reviewers"].([]any) {
			if r == "ghost" {
				reply(w, 422, map[string]any{"message": "Reviews may only be requested from collaborators."})
				return
			}
			p.Reviewers = append(p.Reviewers, r.(string))
		}
		reply(w, 201, s.pr(p))
	case m == "POST" && what == "comments":
		b, _ := body["body"].(string)
		p.Comments = append(p.Comments, b)
		reply(w, 201, map[string]any{"id": len(p.Comments), "body": b})
	default:
		reply(w, 404, map[string]any{"message": "Not Found"})
	}
}

// graphql serves the two mutations Wattson uses; s.mu is held.
func (s *Server) graphql(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	_ = json.NewDecoder(r.Body).Decode(&req)
	id, _ := req.Variables["id"].(string)
	var p *PR
	for _, q := range s.prs {
		if q.NodeID == id {
			p = q
		}
	}
	if p == nil {
		reply(w, 200, map[string]any{"errors": []any{map[string]any{"message": "Could not resolve to a node with the global id of '" + id + "'"}}})
		return
	}
	switch {
	case strings.Contains(req.Query, "revertPullRequest("):
		c := s.commits[p.MergeCommit]
		parent := s.commits[c.Parents[0]]
		head := s.commits[s.refs["heads/main"]]
		sha := s.addCommit(s.trees[parent.Tree], "Revert #"+strconv.Itoa(p.Number), "wattson[bot]", []string{head.SHA})
		branch := fmt.Sprintf("revert-%d-%s", p.Number, p.Head)
		s.refs["heads/"+branch] = sha
		title, _ := req.Variables["title"].(string)
		body, _ := req.Variables["body"].(string)
		np := &PR{Number: len(s.prs) + 1, Title: title, Body: body, Head: branch, Base: "main", Draft: true, State: "open"}
		np.NodeID = fmt.Sprintf("PR_%d", np.Number)
		s.prs = append(s.prs, np)
		reply(w, 200, map[string]any{"data": map[string]any{"revertPullRequest": map[string]any{"revertPullRequest": map[string]any{
			"number": np.Number, "url": s.htmlURL(np), "headRefName": branch, "baseRefName": "main", "isDraft": true}}}})
	case strings.Contains(req.Query, "markPullRequestReadyForReview("):
		p.Draft = false
		reply(w, 200, map[string]any{"data": map[string]any{"markPullRequestReadyForReview": map[string]any{"pullRequest": map[string]any{"isDraft": false}}}})
	default:
		reply(w, 200, map[string]any{"errors": []any{map[string]any{"message": "unsupported query"}}})
	}
}

func (s *Server) htmlURL(p *PR) string {
	return fmt.Sprintf("https://github.example/o/r/pull/%d", p.Number)
}

func (s *Server) pr(p *PR) map[string]any {
	out := map[string]any{"number": p.Number, "node_id": p.NodeID, "title": p.Title, "body": p.Body, "state": p.State,
		"draft": p.Draft, "merged": p.Merged, "html_url": s.htmlURL(p),
		"head": map[string]any{"ref": p.Head, "sha": s.refs["heads/"+p.Head]}, "base": map[string]any{"ref": p.Base}}
	if p.Merged {
		by, at := p.MergedBy, p.MergedAt
		if by == "" {
			by = "wattson[bot]"
		}
		if at.IsZero() {
			at = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
		}
		out["merged_at"] = at.UTC().Format(time.RFC3339)
		out["merged_by"] = map[string]any{"login": by}
		out["merge_commit_sha"] = p.MergeCommit
	}
	if !p.ClosedAt.IsZero() {
		out["closed_at"] = p.ClosedAt.UTC().Format(time.RFC3339)
	}
	return out
}

// issue is pull request p as the issues API shows it: with who closed it.
func (s *Server) issue(p *PR) map[string]any {
	out := map[string]any{"number": p.Number, "title": p.Title, "state": p.State, "html_url": s.htmlURL(p),
		"pull_request": map[string]any{"html_url": s.htmlURL(p)}}
	if p.ClosedBy != "" {
		out["closed_by"] = map[string]any{"login": p.ClosedBy}
	}
	if !p.ClosedAt.IsZero() {
		out["closed_at"] = p.ClosedAt.UTC().Format(time.RFC3339)
	}
	return out
}

func (s *Server) gitCommit(c *Commit) map[string]any {
	var parents []map[string]any
	for _, p := range c.Parents {
		parents = append(parents, map[string]any{"sha": p})
	}
	return map[string]any{"sha": c.SHA, "message": c.Message, "tree": map[string]any{"sha": c.Tree}, "parents": parents}
}

// compare answers a comparison: the commits after base up to head along
// first parents, oldest first. base and head are commit shas or branches.
func (s *Server) compare(w http.ResponseWriter, base, head string) {
	for _, ref := range []*string{&base, &head} {
		if sha, ok := s.refs["heads/"+*ref]; ok {
			*ref = sha
		}
	}
	if s.commits[base] == nil || s.commits[head] == nil {
		reply(w, 404, map[string]any{"message": "Not Found"})
		return
	}
	var commits []map[string]any
	for c := s.commits[head]; c != nil && c.SHA != base; {
		commits = append([]map[string]any{s.repoCommit(c)}, commits...)
		if len(c.Parents) == 0 {
			break
		}
		c = s.commits[c.Parents[0]]
	}
	reply(w, 200, map[string]any{"status": "ahead", "ahead_by": len(commits), "total_commits": len(commits), "commits": commits})
}

// repoCommit is the REST commit with its changed files.
func (s *Server) repoCommit(c *Commit) map[string]any {
	before := map[string]string{}
	if len(c.Parents) > 0 {
		before = s.trees[s.commits[c.Parents[0]].Tree]
	}
	after := s.trees[c.Tree]
	var files []map[string]any
	for _, p := range sortedKeys(union(before, after)) {
		switch b, a := before[p], after[p]; {
		case b == a:
		case b == "":
			files = append(files, map[string]any{"filename": p, "status": "added"})
		case a == "":
			files = append(files, map[string]any{"filename": p, "status": "removed"})
		default:
			files = append(files, map[string]any{"filename": p, "status": "modified"})
		}
	}
	return map[string]any{"sha": c.SHA, "author": map[string]any{"login": c.Login},
		"commit": map[string]any{"message": c.Message, "author": map[string]any{"name": c.Login, "date": "2025-06-01T00:00:00Z"},
			"committer": map[string]any{"name": c.Login, "date": "2025-06-01T00:00:00Z"}}, "files": files}
}

func union(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
