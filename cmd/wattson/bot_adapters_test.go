package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/proposals"
	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/github"
	"github.com/wattson-dev/wattson/skills/github/githubtest"
	"github.com/wattson-dev/wattson/skills/gitlocal"
	"github.com/wattson-dev/wattson/skills/opportunity"
	"github.com/wattson-dev/wattson/skills/propose"
	"github.com/wattson-dev/wattson/skills/skillstest"
	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/bolt"
)

const prSecret = "ghp_SECRET_e2e_token_0123456789abcdef"

// threadChat records what the bot posts.
type threadChat struct {
	mu    sync.Mutex
	n     int
	posts []bot.Message
}

func (c *threadChat) Post(_ context.Context, channel, _ string, m bot.Message) (store.ThreadRef, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	c.posts = append(c.posts, m)
	return store.ThreadRef{Platform: "test", Channel: channel, MessageID: time.Duration(c.n).String()}, nil
}

func (c *threadChat) Update(context.Context, store.ThreadRef, bot.Message) error { return nil }

func (c *threadChat) text() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b strings.Builder
	for _, m := range c.posts {
		b.WriteString(m.Title + "\n" + m.Text + "\n" + m.Footer + "\n")
		for _, f := range m.Fields {
			b.WriteString(f.Name + ": " + f.Value + "\n")
		}
		for _, l := range m.Links {
			b.WriteString(l.Label + ": " + l.URL + "\n")
		}
	}
	return b.String()
}

type culpritInvestigator struct{ sha string }

func (ci culpritInvestigator) Investigate(context.Context, bot.Question, func(bot.Progress)) (bot.Findings, error) {
	return bot.Findings{Suspects: []store.Suspect{{Commit: ci.sha, Title: "Validate prices with a regexp", Score: 0.9}},
		Verdict: "culprit", Proposals: []store.Proposal{{Kind: store.ProposalRevert, Target: ci.sha, Title: `Revert "Validate prices with a regexp"`,
			Body: "regexp.Compile went from 0% to 19% of CPU; price.go:9 compiles per request; 3.2 cores ≈ 32 W"}}}, nil
}

type e2e struct {
	*botParts
	st   store.Store
	chat *threadChat
	logs *bytes.Buffer
	r    store.Regression
}

func newE2E(t *testing.T, prs proposals.PullRequests, culprit string, logs *bytes.Buffer) e2e {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "w.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	chat := &threadChat{}
	parts, err := wireBot(bot.CoreOptions{Store: st, Chats: map[string]bot.Chat{"test": chat}, DefaultPlatform: "test", DefaultChannel: "#perf",
		Approvers: []bot.ApproverRule{{Service: "checkout", Users: []string{"UALICE"}}},
		Logger:    slog.New(slog.NewTextHandler(logs, nil)), Registerer: prometheus.NewRegistry()},
		botDeps{investigator: culpritInvestigator{culprit}, pullRequests: prs}, 0)
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := parts.bot.Alert(t.Context(), bot.AlertInput{Regression: store.Regression{Fingerprint: "f", Service: "checkout", Metric: "cpu_per_request",
		SeriesKey: "cpu_per_request{}", ChangeTime: time.Date(2025, 6, 3, 9, 0, 0, 0, time.UTC), Before: 0.01, After: 0.0125, Pct: 25, Direction: store.DirectionUp}})
	if err != nil {
		t.Fatal(err)
	}
	e := e2e{parts, st, chat, logs, r}
	e.say(t, "investigate "+r.ID)
	e.work(t)
	return e
}

func (e e2e) say(t *testing.T, text string) bot.Message {
	t.Helper()
	return e.bot.Handle(t.Context(), bot.Event{Kind: bot.EventCommand, Platform: "test", Channel: "#perf", User: "UALICE", Text: text})
}

// work runs queued jobs as the worker would, redelivering failures.
func (e e2e) work(t *testing.T) {
	t.Helper()
	for range 20 {
		j, err := e.st.Dequeue(t.Context(), "t", 0)
		if errors.Is(err, store.ErrNoJob) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.worker.RunJob(t.Context(), *j); err == nil {
			_ = e.st.Ack(t.Context(), j.ID)
		} else if _, err := e.worker.RunJob(t.Context(), store.Job{ID: j.ID, Kind: j.Kind, Payload: j.Payload, Attempts: 2}); err == nil {
			_ = e.st.Ack(t.Context(), j.ID)
		}
	}
}

func gitHubHosts(t *testing.T, gh *githubtest.Server, merge bool, logs *bytes.Buffer) proposals.PullRequests {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(logs, nil))
	h, err := github.New(github.Options{Owner: "o", Repo: "r", Token: prSecret, BaseURL: gh.URL, Logger: logger,
		Sleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	return proposals.CodeHosts(&propose.Hosts{Repos: map[string]propose.Host{"o/r": h}, ByService: map[string]string{"checkout": "o/r"},
		MergeOnApprove: merge, Log: logger})
}

func shop(gh *githubtest.Server) string {
	gh.Commit("main", "initial", "bob", map[string]string{"price.go": "package x // fast\n"})
	c := gh.Commit("main", "Validate prices with a regexp", "ada", map[string]string{"price.go": "package x // slow\n"})
	gh.Commit("main", "docs", "bob", map[string]string{"README.md": "x\n"})
	return c
}

func TestApproveFromChatActsOnGitHub(t *testing.T) {
	for _, merge := range []bool{false, true} {
		t.Run(map[bool]string{false: "ready", true: "merge_on_approve"}[merge], func(t *testing.T) {
			gh := githubtest.New(t, prSecret)
			culprit := shop(gh)
			var logs bytes.Buffer
			e := newE2E(t, gitHubHosts(t, gh, merge, &logs), culprit, &logs)
			prs := gh.PRs()
			if len(prs) != 1 || !prs[0].Draft || !strings.Contains(prs[0].Body, "regexp.Compile went from 0% to 19%") ||
				!strings.Contains(prs[0].Body, "Wattson R-1") || strings.Join(prs[0].Reviewers, ",") != "ada" {
				t.Fatalf("pull requests %+v", prs)
			}
			if !strings.Contains(e.chat.text(), "Pull request #1: https://github.example/o/r/pull/1") {
				t.Fatalf("thread lacks the PR link:\n%s", e.chat.text())
			}
			gh.Fail(githubtest.Fault{Match: "GET /repos/o/r/pulls/1", Status: 429, Header: map[string]string{"Retry-After": "3"}, Times: 1})
			if reply := e.say(t, "approve P-1"); !reply.IsZero() || !strings.Contains(e.chat.text(), "approved P-1") {
				t.Fatalf("approve: %+v, thread:\n%s", reply, e.chat.text())
			}
			if reply := e.say(t, "approve P-1"); !strings.Contains(reply.Text, "already approved") {
				t.Fatalf("second approve: %+v", reply)
			}
			e.work(t)
			pr := gh.PRs()[0]
			want := "is ready for review"
			if merge {
				want = "is merged"
				if !pr.Merged || gh.Calls("PUT /repos/o/r/pulls/1/merge") != 1 {
					t.Fatalf("not merged once: %+v", pr)
				}
			} else if pr.Draft || pr.Merged || gh.Calls("POST /graphql") != 1 {
				t.Fatalf("not marked ready once: %+v, %d graphql calls", pr, gh.Calls("POST /graphql"))
			}
			thread := e.chat.text()
			if !strings.Contains(thread, "pull/1 "+want) || !strings.Contains(thread, "rate limit (429): waited 3s") {
				t.Fatalf("thread:\n%s", thread)
			}
			assertNoSecrets(t, e, gh)
		})
	}
}

func TestRejectFromChatClosesThePullRequest(t *testing.T) {
	gh := githubtest.New(t, prSecret)
	var logs bytes.Buffer
	e := newE2E(t, gitHubHosts(t, gh, false, &logs), shop(gh), &logs)
	e.say(t, "reject P-1 fixing forward instead")
	e.work(t)
	pr := gh.PRs()[0]
	if pr.State != "closed" || strings.Join(pr.Comments, "") != "fixing forward instead" {
		t.Fatalf("pull request %+v", pr)
	}
	if !strings.Contains(e.chat.text(), "pull/1 is closed") {
		t.Fatalf("thread:\n%s", e.chat.text())
	}
	assertNoSecrets(t, e, gh)
}

func TestConflictingRevertIsProposedAsText(t *testing.T) {
	gh := githubtest.New(t, prSecret)
	culprit := shop(gh)
	gh.Commit("main", "Cache the regexp", "bob", map[string]string{"price.go": "package x // cached\n"})
	var logs bytes.Buffer
	e := newE2E(t, gitHubHosts(t, gh, false, &logs), culprit, &logs)
	if len(gh.PRs()) != 0 {
		t.Fatalf("pull requests %+v", gh.PRs())
	}
	thread := e.chat.text()
	if !strings.Contains(thread, "`price.go` changed since it landed") || !strings.Contains(thread, "git revert "+culprit) {
		t.Fatalf("thread:\n%s", thread)
	}
}

func assertNoSecrets(t *testing.T, e e2e, gh *githubtest.Server) {
	t.Helper()
	var all strings.Builder
	all.WriteString(e.logs.String() + e.chat.text())
	for _, p := range gh.PRs() {
		all.WriteString(p.Title + p.Body + strings.Join(p.Comments, ""))
	}
	evs, _ := e.st.ListAudit(t.Context(), "", 0)
	for _, ev := range evs {
		all.WriteString(ev.Detail)
	}
	if strings.Contains(all.String(), prSecret) || strings.Contains(all.String(), "ghp_") {
		t.Fatal("a token appears in logs, chat, audit or pull requests")
	}
}

// TestLocalCloneRevertFromChat is the demo's path: a real git repository,
// the revert on wattson/revert-<sha>, built, then merged on approval.
func TestLocalCloneRevertFromChat(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go tool")
	}
	repo := skillstest.NewRepo(t)
	repo.Commit("initial", map[string]string{"go.mod": "module example.com/shop\n\ngo 1.22\n", "main.go": "package main\n\nfunc main() { println(price()) }\n", "price.go": "package main\n\nfunc price() int { return 1 }\n"})
	culprit := repo.Commit("Slow price", map[string]string{"price.go": "package main\n\nfunc price() int { s := 0; for i := range 1 << 20 { s += i }; return s }\n"})
	var logs bytes.Buffer
	e := newE2E(t, proposals.CodeHosts(localCodeHosts(repo.Dir, true).router(slog.New(slog.NewTextHandler(&logs, nil)))), culprit, &logs)
	thread := e.chat.text()
	branch := "wattson/revert-" + culprit[:12]
	if !strings.Contains(thread, "Branch: `"+branch+"`") || !strings.Contains(thread, "`go build -trimpath ./...` on the change passes") {
		t.Fatalf("thread:\n%s", thread)
	}
	e.say(t, "approve P-1")
	e.work(t)
	if b, _ := os.ReadFile(filepath.Join(repo.Dir, "price.go")); !strings.Contains(string(b), "return 1") {
		t.Fatalf("price.go after approve = %q", b)
	}
	if !strings.Contains(e.chat.text(), branch+" is merged") {
		t.Fatalf("thread:\n%s", e.chat.text())
	}
}

// TestLearnerWritesAPatternTheNextScanLoads: a verified revert's lesson
// becomes a pattern file in skills.dir that the next load of the library
// picks up, with the profile diff's library functions as frames, the
// culprit (read from the service's code host) as the example and the
// measured effect.
func TestLearnerWritesAPatternTheNextScanLoads(t *testing.T) {
	dir := t.TempDir()
	repo := skillstest.NewRepo(t)
	repo.Commit("initial", map[string]string{"price.go": "package x\n\nvar re = regexp.MustCompile(x)\n"})
	culprit := repo.Commit("compile regexp per request", map[string]string{"price.go": "package x\n\nfunc f() { re := regexp.MustCompile(x) }\n"})
	hosts := func(service string) skills.CodeHost {
		if service == "checkout" {
			return gitlocal.New(repo.Dir)
		}
		return nil
	}
	diff, _ := json.Marshal(skills.ProfileDiff{Top: []skills.FuncDelta{
		{Name: "regexp/syntax.(*parser).parse", DeltaFlat: 0.2},
		{Name: "runtime.mallocgc", DeltaFlat: 0.1},
		{Name: "shop.validEmail", DeltaFlat: 0.05, Own: true},
	}})
	les := proposals.Lesson{
		Proposal:      store.Proposal{ID: "P-7", Kind: store.ProposalRevert, Target: culprit, Title: "Revert: compile regexp per request"},
		Regression:    store.Regression{ID: "R-3", Service: "checkout"},
		Investigation: &store.Investigation{Steps: []store.Step{{Skill: "profile_diff", Output: diff}}},
		Effect:        "cpu went from 0.013 back to 0.010 after P-7 merged",
	}
	logger := slog.New(slog.DiscardHandler)
	if err := proposals.SkillLearner(dir, hosts, logger).Learn(t.Context(), les); err != nil {
		t.Fatal(err)
	}
	var found bool
	_, pats := loadLibrary(config{Skills: skillsConfig{Dir: dir}}, logger)
	for _, pat := range pats {
		if pat.Name == "learned-p-7" {
			found = true
			if pat.Skill != opportunity.LearnedSkill || pat.Learned != "P-7" || pat.Effect != les.Effect || pat.Frames[0] != "regexp*" ||
				pat.Example == nil || !strings.Contains(pat.Example.Before, "re := regexp.MustCompile") || !strings.Contains(pat.Example.After, "var re =") {
				t.Errorf("loaded %+v", pat)
			}
		}
	}
	if !found {
		t.Error("the next scan does not load the learned pattern")
	}
	// Nothing to recognise: no file.
	les.Proposal.ID, les.Investigation = "P-8", nil
	if err := proposals.SkillLearner(dir, hosts, logger).Learn(t.Context(), les); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, opportunity.LearnedSkill, "references", "patterns", "learned-p-8.yaml")); !os.IsNotExist(err) {
		t.Errorf("a lesson without frames was written (err %v)", err)
	}
	if proposals.SkillLearner("", hosts, logger) != nil {
		t.Error("a learner without skills.dir")
	}
}
