package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/skills/skillstest"
)

// runWattson calls run in-process with an empty environment.
func runWattson(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), err
}

func TestInvestigateJSON(t *testing.T) {
	sc := skillstest.Build(t, false)
	out, stderr, err := runWattson(t, "investigate", "--service", sc.Service,
		"--metrics", sc.CPUFile, "--metrics", sc.BuildInfo, "--deploys", sc.DeploysFile,
		"--repo", sc.RepoDir, "--profiles", sc.ProfilesDir, "--format", "json")
	if err != nil {
		t.Fatalf("investigate: %v\n%s", err, stderr)
	}
	var got struct {
		Regression map[string]any `json:"regression"`
		Deploy     struct{ From, To string }
		Verdict    string
		Suspects   []struct {
			Commit, Title, Author string
			Score                 float64
			Evidence              []string
		}
		Steps []struct {
			Skill, Summary, Error string
			DurationMS            *int64 `json:"duration_ms"`
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if got.Verdict != "culprit" || len(got.Suspects) == 0 || got.Suspects[0].Commit != sc.Culprit {
		t.Fatalf("verdict %s, suspects %+v; want culprit %s", got.Verdict, got.Suspects, sc.Culprit)
	}
	if got.Deploy.From != sc.From || got.Deploy.To != sc.To || got.Regression == nil {
		t.Errorf("deploy %+v regression %v", got.Deploy, got.Regression)
	}
	if len(got.Suspects[0].Evidence) == 0 || got.Suspects[0].Title == "" || got.Suspects[0].Author == "" {
		t.Errorf("top suspect lacks evidence, title or author: %+v", got.Suspects[0])
	}
	for _, s := range got.Steps {
		if s.DurationMS == nil || s.Skill == "" {
			t.Errorf("step without skill or duration: %+v", s)
		}
	}
}

func TestInvestigateText(t *testing.T) {
	sc := skillstest.Build(t, false)
	// No --deploys: the deploy comes from the build_info series.
	out, _, err := runWattson(t, "investigate", "--service", sc.Service, "--metrics", sc.CPUFile, "--metrics", sc.BuildInfo,
		"--repo", sc.RepoDir, "--profiles", sc.ProfilesDir, "--rps", "2000")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Verdict:    culprit", sc.Culprit[:7], "Suspects:", "Steps:", "cores"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
}

func TestInvestigateUsage(t *testing.T) {
	for _, args := range [][]string{
		{"investigate"},
		{"investigate", "--service", "x", "--format", "xml"},
		{"investigate", "--service", "x", "--at", "yesterday"},
		{"investigate", "--service", "x", "--repo", "a", "--github", "o/r"},
		{"investigate", "--service", "x", "--github", "just-a-name"},
	} {
		_, _, err := runWattson(t, args...)
		var u *usageError
		if !errors.As(err, &u) {
			t.Errorf("%v: err = %v, want a usage error", args, err)
		}
	}
}

func TestSkillsListsWhatIsMissing(t *testing.T) {
	out, _, err := runWattson(t, "skills")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"estimate_impact", "available", "rank_suspects", "no code host", "profile_diff", "no profiles"} {
		if !strings.Contains(out, want) {
			t.Errorf("skills output lacks %q:\n%s", want, out)
		}
	}
	out, _, err = runWattson(t, "skills", "--repo", t.TempDir(), "--profiles", t.TempDir(), "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Available   []struct{ Name string }
		Unavailable []struct{ Name, Reason string }
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Available) != 7 || len(got.Unavailable) != 3 { // find_opportunities with --profiles
		t.Errorf("available %v, unavailable %v", got.Available, got.Unavailable)
	}
}

func TestInvestigateWithNoEvidenceFails(t *testing.T) {
	sc := skillstest.Build(t, false)
	out, _, err := runWattson(t, "investigate", "--service", "no-such-service", "--metrics", sc.CPUFile,
		"--repo", t.TempDir(), "--profiles", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "all 6 steps failed") || !strings.Contains(err.Error(), "find_change_point: ") ||
		!strings.Contains(err.Error(), "\n  estimate_impact: skipped") {
		t.Errorf("err = %v, want every failed step listed", err)
	}
	if !strings.Contains(out, "Verdict:    inconclusive") {
		t.Errorf("the investigation is not shown:\n%s", out)
	}
}

func TestHelpDetectDocumentsMaxPoints(t *testing.T) {
	out, _, err := runWattson(t, "help", "detect")
	if err != nil || !strings.Contains(out, "-max-points int") || !strings.Contains(out, "(default 5000000)") {
		t.Errorf("help detect: %v\n%s", err, out)
	}
}
