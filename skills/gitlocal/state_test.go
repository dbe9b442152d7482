package gitlocal

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/skillstest"
)

// gitAt runs git in dir as a person would by hand, committing at date.
func gitAt(t *testing.T, dir string, date time.Time, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	d := date.Format(time.RFC3339)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Bob", "GIT_AUTHOR_EMAIL=bob@example.com", "GIT_COMMITTER_NAME=Bob",
		"GIT_COMMITTER_EMAIL=bob@example.com", "GIT_AUTHOR_DATE="+d, "GIT_COMMITTER_DATE="+d, "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("git %v: %v: %s", args, err, errb.String())
	}
	return strings.TrimSpace(out.String())
}

// branched builds a clone on main with the change branch
// wattson/revert-abc one commit ahead of it, and another commit on main,
// and returns it with the branch's head.
func branched(t *testing.T) (*skillstest.Repo, string) {
	t.Helper()
	repo := skillstest.NewRepo(t)
	repo.Commit("initial", map[string]string{"price.go": priceOld})
	gitAt(t, repo.Dir, time.Now(), "branch", "wattson/revert-abc")
	gitAt(t, repo.Dir, time.Now(), "checkout", "--quiet", "wattson/revert-abc")
	repo.Commit("Revert the regexp", map[string]string{"price.go": priceNew})
	head := gitAt(t, repo.Dir, time.Now(), "rev-parse", "HEAD")
	gitAt(t, repo.Dir, time.Now(), "checkout", "--quiet", "main")
	return repo, head
}

func TestStateSeesABranchMergedByHand(t *testing.T) {
	mergedAt := time.Date(2025, 6, 5, 14, 30, 0, 0, time.UTC)
	tests := []struct {
		name      string
		by        func(t *testing.T, dir string)
		want      skills.PRState
		wantMerge time.Time
	}{
		{name: "not merged", want: skills.StateBranch},
		{name: "merged with a merge commit", want: skills.StateMerged, wantMerge: mergedAt, by: func(t *testing.T, dir string) {
			gitAt(t, dir, time.Now(), "commit", "--quiet", "--allow-empty", "-m", "unrelated")
			gitAt(t, dir, mergedAt, "merge", "--quiet", "--no-ff", "--no-edit", "wattson/revert-abc")
		}},
		{name: "fast-forwarded", want: skills.StateMerged, by: func(t *testing.T, dir string) {
			gitAt(t, dir, time.Now(), "merge", "--quiet", "--ff-only", "wattson/revert-abc")
		}},
		{name: "branch deleted unmerged", want: skills.StateClosed, by: func(t *testing.T, dir string) {
			gitAt(t, dir, time.Now(), "branch", "--quiet", "-D", "wattson/revert-abc")
		}},
		{name: "merged, then the branch deleted", want: skills.StateMerged, wantMerge: mergedAt, by: func(t *testing.T, dir string) {
			gitAt(t, dir, mergedAt, "merge", "--quiet", "--no-ff", "--no-edit", "wattson/revert-abc")
			gitAt(t, dir, time.Now(), "branch", "--quiet", "-d", "wattson/revert-abc")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo, head := branched(t)
			if tt.by != nil {
				tt.by(t, repo.Dir)
			}
			r := New(repo.Dir)
			ctx := context.Background()
			tipBefore, _ := r.branchHead(ctx, "wattson/revert-abc")
			mainBefore, _ := r.branchHead(ctx, "main")
			// The head the branch had when Wattson last read it.
			got, err := r.State(ctx, skills.PullRequest{URL: "wattson/revert-abc", Commit: head})
			if err != nil {
				t.Fatal(err)
			}
			if got.State != tt.want || !got.MergedAt.Equal(tt.wantMerge) || got.Branch != "wattson/revert-abc" || got.Base != "main" {
				t.Fatalf("State = %+v, want %s merged at %s into main", got, tt.want, tt.wantMerge)
			}
			tipAfter, _ := r.branchHead(ctx, "wattson/revert-abc")
			mainAfter, _ := r.branchHead(ctx, "main")
			if tipAfter != tipBefore || mainAfter != mainBefore {
				t.Fatal("State moved a branch")
			}
		})
	}
}

func TestStateOfTheCheckedOutBranchIsAnError(t *testing.T) {
	repo, _ := branched(t)
	gitAt(t, repo.Dir, time.Now(), "checkout", "--quiet", "wattson/revert-abc")
	_, err := New(repo.Dir).State(context.Background(), skills.PullRequest{URL: "wattson/revert-abc"})
	if err == nil || !strings.Contains(err.Error(), "checked out") {
		t.Fatalf("State of the checked-out branch = %v, want an error: every branch is merged into itself", err)
	}
}

func TestStateOfADeletedBranchWhoseHeadIsGone(t *testing.T) {
	repo, _ := branched(t)
	gitAt(t, repo.Dir, time.Now(), "branch", "--quiet", "-D", "wattson/revert-abc")
	got, err := New(repo.Dir).State(context.Background(),
		skills.PullRequest{URL: "wattson/revert-abc", Commit: "0123456789abcdef0123456789abcdef01234567"})
	if err != nil || got.State != skills.StateClosed {
		t.Fatalf("State = %+v, %v; want closed: the head it had is not in the clone", got, err)
	}
}
