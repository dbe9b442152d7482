package skills

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"
)

// Verdict is how sure an investigation is about its top suspect.
type Verdict string

// The verdicts.
const (
	// VerdictCulprit: the top suspect's own lines carry the new cost.
	VerdictCulprit Verdict = "culprit"
	// VerdictInconclusive: evidence is missing, weak or split.
	VerdictInconclusive Verdict = "inconclusive"
	// VerdictNoCulprit: no code path got slower, or the ones that did were
	// not changed by the deploy (e.g. a traffic-mix change).
	VerdictNoCulprit Verdict = "no_culprit"
)

// Suspect is a commit that may have caused a regression, with the evidence.
type Suspect struct {
	// Commit is the full sha.
	Commit string `json:"commit"`
	// Score ranks suspects; roughly the fraction of the regression's new
	// cost the evidence ties to this commit.
	Score float64 `json:"score"`
	// Title and Author describe the commit.
	Title  string `json:"title"`
	Author string `json:"author"`
	// Evidence lists why, strongest first, one sentence each.
	Evidence []string `json:"evidence"`
}

// Ranking is rank_suspects' result.
type Ranking struct {
	// Verdict and Reason sum the ranking up; Basis names the evidence
	// that decided the verdict (see the Basis constants).
	Verdict Verdict `json:"verdict"`
	Reason  string  `json:"reason"`
	Basis   Basis   `json:"basis"`
	// ProfileRevision is the revision the after profile ran, at which
	// functions were mapped to source.
	ProfileRevision string `json:"profile_revision"`
	// Suspects are the deploy's commits with any evidence, best first.
	Suspects []Suspect `json:"suspects"`
}

// RankInput is what rank_suspects needs.
type RankInput struct {
	// From and To bound the deploy: the commits in From..To are suspects.
	From string `json:"from"`
	To   string `json:"to"`
	// Deploys, when known, tell which revision the after profile ran.
	Deploys []Deploy `json:"deploys,omitempty"`
	// Profiles is profile_diff's result.
	Profiles ProfileDiffResult `json:"profiles"`
	// Timing, when given, is deploys_in_window's check that the deploy can
	// explain the change's start; a deploy that cannot gets no culprit.
	Timing *Timing `json:"timing,omitempty"`
	// Function, when given, is a function the detector found slower in
	// the service's profiles over time: its rise between the two profiles
	// counts as beyond noise, as many profiles showed it.
	Function string `json:"function,omitempty"`
}

// profileRevision is the revision that served when the after profile was
// captured, if the deploys tell and it is at or after the deploy; else to.
func profileRevision(in RankInput) string {
	ds := append([]Deploy(nil), in.Deploys...)
	sortDeploys(ds)
	at := in.Profiles.After.Time
	if at.IsZero() {
		return in.To
	}
	i := runningAt(ds, at)
	if i < 0 {
		return in.To
	}
	for j := 0; j <= i; j++ {
		if ds[j].Revision == in.To {
			return ds[i].Revision
		}
	}
	return in.To
}

// Rank ranks the commits of a deploy by how much of the profile's new cost
// their lines carry. host serves the source.
func Rank(ctx context.Context, host CodeHost, in RankInput) (Ranking, error) {
	rev := profileRevision(in)
	changes, err := host.Changes(ctx, in.From, rev)
	if err != nil && rev != in.To {
		rev = in.To
		changes, err = host.Changes(ctx, in.From, rev)
	}
	if err != nil {
		return Ranking{}, fmt.Errorf("list changes %s..%s: %w", shortSHA(in.From), shortSHA(rev), err)
	}
	deploy := map[string]int{}
	for i, c := range changes {
		deploy[c.SHA] = i
		if c.SHA == in.To {
			break
		}
	}
	ev := newEvidence(in.Profiles, changes, deploy, rev)
	ev.function = in.Function
	if err := ev.collect(ctx, host); err != nil {
		return Ranking{}, err
	}
	r := ev.decide()
	if in.Timing != nil && !in.Timing.Explains {
		r.Verdict, r.Reason, r.Basis = VerdictNoCulprit, in.Timing.Note, BasisTiming
	}
	r.ProfileRevision = rev
	return r, nil
}

// repoPath maps a file name from a profile to a path in the repository:
// module-relative with -trimpath, else by the longest suffix that names a
// file some change touched.
func repoPath(module, file string, known map[string]bool) (string, bool) {
	file = strings.ReplaceAll(file, "\\", "/")
	if module != "" && strings.HasPrefix(file, module+"/") {
		return strings.TrimPrefix(file, module+"/"), true
	}
	best := ""
	for k := range known {
		if (file == k || strings.HasSuffix(file, "/"+k)) && len(k) > len(best) {
			best = k
		}
	}
	return best, best != ""
}

// isCode reports whether a changed file can change what the service runs:
// Go code outside tests, and anything that is not docs, tests or CI.
func isCode(p string) bool {
	switch {
	case strings.HasSuffix(p, "_test.go"), strings.HasPrefix(p, "testdata/"), strings.Contains(p, "/testdata/"):
		return false
	case strings.HasSuffix(p, ".go"):
		return true
	}
	ext := strings.ToLower(path.Ext(p))
	switch ext {
	case ".md", ".txt", ".rst", ".adoc":
		return false
	}
	return !strings.HasPrefix(p, ".github/") && !strings.HasPrefix(p, "docs/")
}

// sortSuspects orders by score, then by position in the deploy (later
// first: a regression is more often in what shipped last).
func sortSuspects(s []Suspect, pos map[string]int) {
	sort.SliceStable(s, func(i, j int) bool {
		if s[i].Score != s[j].Score {
			return s[i].Score > s[j].Score
		}
		return pos[s[i].Commit] > pos[s[j].Commit]
	})
}

// round keeps scores readable in JSON.
func round(x float64, places int) float64 {
	p := 1.0
	for range places {
		p *= 10
	}
	if x < 0 {
		return -float64(int64(-x*p+0.5)) / p
	}
	return float64(int64(x*p+0.5)) / p
}
