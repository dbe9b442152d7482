package propose

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/wattson-dev/wattson/skills"
)

// Result is what propose_revert and propose_fix return.
type Result struct {
	// PullRequest is the prepared change; nil when it could not be
	// prepared automatically.
	PullRequest *skills.PullRequest `json:"pull_request,omitempty"`
	// Conflict lists the files that changed since the commit to revert,
	// when that stopped the revert.
	Conflict []string `json:"conflict,omitempty"`
	// Text is the proposal text: the pull request body, or the fallback
	// with the manual `git revert` command.
	Text string `json:"text"`
}

type revertArgs struct {
	Commit    string   `json:"commit"`
	Title     string   `json:"title"`
	Author    string   `json:"author"`
	Base      string   `json:"base"`
	Reviewers []string `json:"reviewers"`
	Evidence  Evidence `json:"evidence"`
}

// evidenceSchema is the JSON Schema of Evidence.
const evidenceSchema = `{"type":"object","properties":{
"service":{"type":"string"},"metric":{"type":"string"},"before":{"type":"number"},"after":{"type":"number"},
"pct":{"type":"number"},"change_time":{"type":"string","format":"date-time"},"regression_id":{"type":"string"},
"profile_delta":{"type":"array","items":{"type":"string"}},"matched_lines":{"type":"array","items":{"type":"string"}},
"notes":{"type":"array","items":{"type":"string"}},"cores":{"type":"number"},"watts":{"type":"number"},
"thread":{"type":"string","description":"link to the alert thread"},"benchmark":{"type":"string","description":"before/after benchmark output"}}}`

// NewProposeRevert returns the propose_revert skill: it prepares the revert
// of a culprit commit as a draft pull request (or a local branch) whose
// body carries the evidence. A revert that conflicts is not an error: the
// result then has no pull request and its text says how to revert by hand.
func NewProposeRevert(host Preparer) skills.Skill {
	info := skills.Info{
		Name:        "propose_revert",
		Description: "Prepares a draft pull request (or local branch) reverting the culprit commit, with the evidence in its description.",
		Schema: json.RawMessage(`{"type":"object","required":["commit"],"properties":{
"commit":{"type":"string","description":"full sha of the commit to revert"},
"title":{"type":"string","description":"the commit's title"},
"author":{"type":"string","description":"the commit's author"},
"base":{"type":"string","description":"branch to revert on; default the default branch"},
"reviewers":{"type":"array","items":{"type":"string"},"description":"code host user names to ask for review"},
"evidence":` + evidenceSchema + `}}`),
	}
	return skills.New(info, func(ctx context.Context, in revertArgs) (skills.Output, error) {
		return Revert(ctx, host, in.Commit, in.Title, in.Author, in.Base, in.Reviewers, in.Evidence)
	})
}

// Revert prepares the revert of commit on host; see NewProposeRevert.
func Revert(ctx context.Context, host Preparer, commit, title, author, base string, reviewers []string, ev Evidence) (skills.Output, error) {
	prTitle := "Revert " + short(commit)
	if title != "" {
		prTitle = fmt.Sprintf("Revert %q", title)
	}
	body := RevertBody(commit, title, author, ev)
	pr, err := host.Revert(ctx, skills.RevertRequest{Commit: commit, Base: base, Title: prTitle, Body: body, Reviewers: reviewers})
	var ce *skills.ConflictError
	if errors.As(err, &ce) {
		text := ConflictText(commit, ce.Files, ev)
		return skills.Output{Summary: fmt.Sprintf("revert of %s conflicts in %s; proposed `git revert %s` by hand", short(commit), strings.Join(ce.Files, ", "), short(commit)),
			Data: Result{Conflict: ce.Files, Text: text}}, nil
	}
	if err != nil {
		return skills.Output{}, fmt.Errorf("propose revert of %s: %w", short(commit), err)
	}
	return skills.Output{Summary: summary("revert of "+short(commit), pr), Data: Result{PullRequest: &pr, Text: body}}, nil
}

type fixArgs struct {
	Branch    string   `json:"branch"`
	Base      string   `json:"base"`
	Title     string   `json:"title"`
	Summary   string   `json:"summary"`
	Files     []file   `json:"files"`
	Reviewers []string `json:"reviewers"`
	Evidence  Evidence `json:"evidence"`
}

type file struct {
	Path    string `json:"path"`
	Content string `json:"content"`
	Delete  bool   `json:"delete"`
}

// NewProposeFix returns the propose_fix skill: it prepares file edits (from
// a pattern skill or a model) as a draft pull request (or a local branch)
// whose body carries the evidence and, when one was run, a before/after
// benchmark.
func NewProposeFix(host Preparer) skills.Skill {
	info := skills.Info{
		Name:        "propose_fix",
		Description: "Prepares a draft pull request (or local branch) with a fix, its evidence and any before/after benchmark in the description.",
		Schema: json.RawMessage(`{"type":"object","required":["branch","title","files"],"properties":{
"branch":{"type":"string","description":"branch to create, such as wattson/fix-O-3"},
"base":{"type":"string"},
"title":{"type":"string"},
"summary":{"type":"string","description":"what the fix does and why, in a few sentences"},
"files":{"type":"array","items":{"type":"object","required":["path"],"properties":{
  "path":{"type":"string"},"content":{"type":"string"},"delete":{"type":"boolean"}}}},
"reviewers":{"type":"array","items":{"type":"string"}},
"evidence":` + evidenceSchema + `}}`),
	}
	return skills.New(info, func(ctx context.Context, in fixArgs) (skills.Output, error) {
		if !strings.HasPrefix(in.Branch, "wattson/") {
			return skills.Output{}, fmt.Errorf("propose fix: branch %q must start with wattson/", in.Branch)
		}
		if len(in.Files) == 0 {
			return skills.Output{}, errors.New("propose fix: no files")
		}
		body := FixBody(in.Summary, in.Evidence)
		req := skills.FixRequest{Branch: in.Branch, Base: in.Base, Title: in.Title, Body: body, Reviewers: in.Reviewers}
		for _, f := range in.Files {
			req.Files = append(req.Files, skills.FileEdit{Path: f.Path, Content: []byte(f.Content), Delete: f.Delete})
		}
		pr, err := host.Fix(ctx, req)
		if err != nil {
			return skills.Output{}, fmt.Errorf("propose fix %s: %w", in.Branch, err)
		}
		return skills.Output{Summary: summary("fix "+in.Branch, pr), Data: Result{PullRequest: &pr, Text: body}}, nil
	})
}

// summary says where a prepared change is, with its build check.
func summary(what string, pr skills.PullRequest) string {
	s := fmt.Sprintf("%s prepared: %s (%s)", what, pr.URL, pr.State)
	if b := pr.Build; b != nil {
		if b.OK {
			s += "; `" + b.Command + "` passes"
		} else {
			s += "; `" + b.Command + "` FAILS"
		}
	}
	return s
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}
