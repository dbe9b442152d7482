package gitlocal

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/skillstest"
)

const (
	goMod    = "module example.com/shop\n\ngo 1.22\n"
	mainGo   = "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(price(\"3\")) }\n"
	priceOld = "package main\n\nimport \"strconv\"\n\nfunc price(s string) int {\n\tn, _ := strconv.Atoi(s)\n\treturn n\n}\n"
	priceNew = "package main\n\nimport (\n\t\"regexp\"\n\t\"strconv\"\n)\n\nfunc price(s string) int {\n\tre := regexp.MustCompile(`^[0-9]+$`)\n\tif !re.MatchString(s) {\n\t\treturn 0\n\t}\n\tn, _ := strconv.Atoi(s)\n\treturn n\n}\n"
)

// shop builds a small Go module with a culprit commit and a later,
// unrelated one.
func shop(t *testing.T) (repo *skillstest.Repo, culprit string) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go tool")
	}
	repo = skillstest.NewRepo(t)
	repo.Commit("initial", map[string]string{"go.mod": goMod, "main.go": mainGo, "price.go": priceOld})
	culprit = repo.Commit("Validate prices with a regexp", map[string]string{"price.go": priceNew})
	repo.Commit("docs: readme", map[string]string{"README.md": "shop\n"})
	return repo, culprit
}

func TestRevertBuilds(t *testing.T) {
	repo, culprit := shop(t)
	r := New(repo.Dir)
	ctx := context.Background()
	head, _ := r.Resolve(ctx, "HEAD")
	pr, err := r.Revert(ctx, skills.RevertRequest{Commit: culprit, Title: `Revert "Validate prices with a regexp"`})
	if err != nil {
		t.Fatal(err)
	}
	if pr.Branch != "wattson/revert-"+culprit[:12] || pr.Base != "main" || pr.State != skills.StateBranch {
		t.Fatalf("pr = %+v", pr)
	}
	if pr.Build == nil || !pr.Build.OK || pr.Build.Command != "go build ./..." {
		t.Fatalf("build = %+v", pr.Build)
	}
	got, err := r.ReadFile(ctx, pr.Branch, "price.go")
	if err != nil || string(got) != priceOld {
		t.Fatalf("price.go on the revert branch = %q, %v", got, err)
	}
	if readme, err := r.ReadFile(ctx, pr.Branch, "README.md"); err != nil || string(readme) != "shop\n" {
		t.Errorf("later commit lost: %q, %v", readme, err)
	}
	msg, _ := r.run(ctx, "log", "-1", "--format=%B", pr.Branch)
	if !strings.HasPrefix(string(msg), `Revert "Validate prices with a regexp"`) || !strings.Contains(string(msg), "This reverts commit "+culprit) {
		t.Errorf("message = %q", msg)
	}
	// The clone itself is untouched: same HEAD, same files, no worktrees left.
	if now, _ := r.Resolve(ctx, "HEAD"); now != head {
		t.Errorf("HEAD moved: %s → %s", head, now)
	}
	if b, _ := os.ReadFile(filepath.Join(repo.Dir, "price.go")); string(b) != priceNew {
		t.Errorf("working tree changed")
	}
	if wts, _ := r.run(ctx, "worktree", "list", "--porcelain"); strings.Count(string(wts), "worktree ") != 1 {
		t.Errorf("worktrees left: %s", wts)
	}
	// Again: the branch is reused, not remade.
	again, err := r.Revert(ctx, skills.RevertRequest{Commit: culprit})
	if err != nil || again.Commit != pr.Commit || again.Branch != pr.Branch {
		t.Fatalf("second revert = %+v, %v (first %s)", again, err, pr.Commit)
	}
	merged, err := r.Merge(ctx, pr)
	if err != nil || merged.State != skills.StateMerged {
		t.Fatalf("merge = %+v, %v", merged, err)
	}
	if b, _ := os.ReadFile(filepath.Join(repo.Dir, "price.go")); string(b) != priceOld {
		t.Errorf("merge did not update the checked-out main: %q", b)
	}
	if _, err := r.Merge(ctx, pr); err != nil {
		t.Errorf("merging twice: %v", err)
	}
	closed, err := r.Close(ctx, pr, "fixing forward")
	if err != nil || closed.State != skills.StateClosed {
		t.Fatalf("close = %+v, %v", closed, err)
	}
	if _, ok := r.branchHead(ctx, pr.Branch); ok {
		t.Error("branch still there after close")
	}
}

func TestRevertBuildFails(t *testing.T) {
	repo, _ := shop(t)
	helper := repo.Commit("Add a pattern helper", map[string]string{"pattern.go": "package main\n\nfunc helper() string { return \"x\" }\n"})
	repo.Commit("Use the helper", map[string]string{"main.go": strings.Replace(mainGo, "price(\"3\"))", "price(\"3\"), helper())", 1)})
	pr, err := New(repo.Dir).Revert(context.Background(), skills.RevertRequest{Commit: helper})
	if err != nil {
		t.Fatal(err)
	}
	if pr.Build == nil || pr.Build.OK || !strings.Contains(pr.Build.Output, "undefined: helper") {
		t.Fatalf("build = %+v", pr.Build)
	}
}

func TestRevertConflict(t *testing.T) {
	repo, culprit := shop(t)
	repo.Commit("Cache the regexp", map[string]string{"price.go": strings.Replace(priceNew, "\tre := regexp.MustCompile(`^[0-9]+$`)\n", "", 1) + "\nvar re = regexp.MustCompile(`^[0-9]+$`)\n"})
	r := New(repo.Dir)
	_, err := r.Revert(context.Background(), skills.RevertRequest{Commit: culprit})
	var ce *skills.ConflictError
	if !errors.As(err, &ce) || !errors.Is(err, skills.ErrConflict) || len(ce.Files) != 1 || ce.Files[0] != "price.go" {
		t.Fatalf("err = %v", err)
	}
	if _, ok := r.branchHead(context.Background(), skills.RevertBranch(culprit)); ok {
		t.Error("conflicting revert left its branch behind")
	}
}

// TestRevertAtOnceFromTwoReplicas: two replicas (two Repos, as two
// processes would have) prepare the same revert in one clone at the same
// moment; both get the one branch, with one revert commit on it.
func TestRevertAtOnceFromTwoReplicas(t *testing.T) {
	repo, culprit := shop(t)
	ctx := context.Background()
	errs := make(chan error, 2)
	heads := make(chan string, 2)
	for range 2 {
		go func() {
			pr, err := New(repo.Dir).Revert(ctx, skills.RevertRequest{Commit: culprit, Title: "Revert it"})
			errs <- err
			heads <- pr.Commit
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Errorf("a replica's revert failed: %v", err)
		}
	}
	if a, b := <-heads, <-heads; a != b || a == "" {
		t.Errorf("the replicas' branch heads %q and %q, want one", a, b)
	}
	out, _ := New(repo.Dir).run(ctx, "rev-list", "--count", "main..wattson/revert-"+culprit[:12])
	if strings.TrimSpace(string(out)) != "1" {
		t.Errorf("%s commits on the revert branch, want 1", strings.TrimSpace(string(out)))
	}
}
