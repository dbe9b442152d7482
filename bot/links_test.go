package bot_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/store"
)

// TestProposalLinks: a proposal on GitHub links its pull request and the
// commit it reverts; one of a local clone shows its branch as a branch,
// and its repository by name, never the server's path.
func TestProposalLinks(t *testing.T) {
	for _, tc := range []struct {
		name        string
		p           store.Proposal
		wantLinks   []bot.Link
		wantField   string // "Name=Value" that must be shown
		forbidTexts []string
	}{
		{"on GitHub", store.Proposal{ID: "P-1", Repo: "shop/checkout", Target: "abc1234def5678", PRURL: "https://github.com/shop/checkout/pull/42", PRNumber: 42},
			[]bot.Link{{"Pull request #42", "https://github.com/shop/checkout/pull/42"}, {"Commit abc1234def", "https://github.com/shop/checkout/commit/abc1234def5678"}},
			"Repository=shop/checkout", nil},
		{"a local clone", store.Proposal{ID: "P-2", Repo: "/srv/wattson/clones/checkout", Target: "abc1234def5678", PRURL: "wattson/revert-abc1234def"},
			nil, "Branch=`wattson/revert-abc1234def`", []string{"/srv/wattson", "Pull request"}},
		{"a fix of a function", store.Proposal{ID: "P-3", Repo: "shop/checkout", Target: "api.validCoupon"}, nil, "Repository=shop/checkout", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := bot.ProposalMessage(tc.p)
			if !slices.Equal(m.Links, tc.wantLinks) {
				t.Errorf("links %v, want %v", m.Links, tc.wantLinks)
			}
			var all []string
			for _, f := range m.Fields {
				all = append(all, f.Name+"="+f.Value)
			}
			if !slices.Contains(all, tc.wantField) {
				t.Errorf("fields %v lack %s", all, tc.wantField)
			}
			for _, bad := range tc.forbidTexts {
				if strings.Contains(strings.Join(all, "\n")+m.Title+m.Text, bad) {
					t.Errorf("the card shows %q: %v", bad, all)
				}
			}
		})
	}
}
