package bot

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var commandCases = []struct {
	in      string
	want    Command
	wantErr string // substring of the user-facing error; "" for success
}{
	{"", Command{Verb: VerbHelp}, ""},
	{"help", Command{Verb: VerbHelp}, ""},
	{"help approve", Command{Verb: VerbHelp, Topic: VerbApprove}, ""},
	{"help frobnicate", Command{}, `no command "frobnicate"`},
	{"investigate R-12", Command{Verb: VerbInvestigate, ID: "R-12"}, ""},
	{"investigate r-12", Command{Verb: VerbInvestigate, ID: "R-12"}, ""},
	{"investigate P-12", Command{}, "not a regression"},
	{"investigate R-12 now", Command{}, "nothing after the id"},
	{"investigate checkout", Command{Verb: VerbInvestigate, Service: "checkout"}, ""},
	{"investigate checkout cpu", Command{Verb: VerbInvestigate, Service: "checkout", Metric: "cpu"}, ""},
	{"investigate checkout cpu 24h", Command{Verb: VerbInvestigate, Service: "checkout", Metric: "cpu", Since: "24h"}, ""},
	{"investigate checkout yesterday", Command{Verb: VerbInvestigate, Service: "checkout", Since: "yesterday"}, ""},
	{"investigate checkout cpu last 3 days", Command{Verb: VerbInvestigate, Service: "checkout", Metric: "cpu", Since: "last 3 days"}, ""},
	{"investigate checkout cpu whenever", Command{}, "can't read"},
	{"investigate", Command{}, "needs a regression id or a service"},
	{"approve P-7", Command{Verb: VerbApprove, ID: "P-7"}, ""},
	{"approve P-7@3", Command{Verb: VerbApprove, ID: "P-7", Version: 3}, ""},
	{"APPROVE p-7", Command{Verb: VerbApprove, ID: "P-7"}, ""},
	{"approve P-7@x", Command{}, "not a proposal version"},
	{"approve", Command{}, "one proposal id"},
	{"approve R-1", Command{}, "not a proposal"},
	{"approve P-07", Command{}, "not a proposal"},
	{"reject P-7 too risky before the sale", Command{Verb: VerbReject, ID: "P-7", Reason: "too risky before the sale"}, ""},
	{"reject", Command{}, "needs a proposal"},
	{"rollback R-3", Command{Verb: VerbRollback, ID: "R-3"}, ""},
	{"rollback P-3", Command{Verb: VerbRollback, ID: "P-3"}, ""},
	{"rollback I-3", Command{}, "not a regression (R-…) or proposal"},
	{"dismiss R-3 expected: new feature", Command{Verb: VerbDismiss, ID: "R-3", Reason: "expected: new feature"}, ""},
	{"dismiss P-3", Command{}, "not a regression"},
	{"status", Command{Verb: VerbStatus}, ""},
	{"status I-2", Command{Verb: VerbStatus, ID: "I-2"}, ""},
	{"status I-2 R-1", Command{}, "at most one id"},
	{"list", Command{Verb: VerbList}, ""},
	{"list all", Command{}, "takes no arguments"},
	{"digest", Command{Verb: VerbDigest}, ""},
	{"skills", Command{Verb: VerbSkills}, ""},
	{"aprove P-1", Command{}, `Did you mean "approve"?`},
	{"deploy everything", Command{}, `don't know the command "deploy"`},
}

func TestParseCommand(t *testing.T) {
	for _, tc := range commandCases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseCommand(tc.in)
			if tc.wantErr != "" {
				var ue *UsageError
				if !errors.As(err, &ue) {
					t.Fatalf("ParseCommand(%q) error = %v, want a *UsageError", tc.in, err)
				}
				if !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "Usage: /wattson") {
					t.Fatalf("ParseCommand(%q) error = %q, want it to contain %q and a usage", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseCommand(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Fatalf("ParseCommand(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
		})
	}
}

// FuzzParseCommand checks that the parser never panics, that every error is
// a usage error for the user, and that a parsed command survives a round
// trip through String.
func FuzzParseCommand(f *testing.F) {
	for _, tc := range commandCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c, err := ParseCommand(in)
		if err != nil {
			var ue *UsageError
			if !errors.As(err, &ue) || ue.Msg == "" {
				t.Fatalf("ParseCommand(%q) error %v is not a usage error", in, err)
			}
			return
		}
		again, err := ParseCommand(c.String())
		if err != nil {
			t.Fatalf("ParseCommand(%q) = %+v, but its String %q does not parse: %v", in, c, c.String(), err)
		}
		if again != c {
			t.Fatalf("round trip of %q: %+v, then %+v", in, c, again)
		}
	})
}

func TestParseSince(t *testing.T) {
	now := time.Date(2025, 6, 4, 15, 30, 0, 0, time.UTC) // a Wednesday
	day := func(d int) time.Time { return time.Date(2025, 6, d, 0, 0, 0, 0, time.UTC) }
	cases := map[string]time.Time{
		"24h":                    now.Add(-24 * time.Hour),
		"90m":                    now.Add(-90 * time.Minute),
		"3d":                     now.Add(-72 * time.Hour),
		"yesterday":              day(3),
		"yesterday?":             day(3),
		"today":                  day(4),
		"since monday":           day(2),
		"wednesday":              time.Date(2025, 5, 28, 0, 0, 0, 0, time.UTC),
		"last 3 days":            now.Add(-72 * time.Hour),
		"last hour":              now.Add(-time.Hour),
		"2 hours ago":            now.Add(-2 * time.Hour),
		"an hour ago":            now.Add(-time.Hour),
		"this week":              day(2),
		"2025-06-01":             day(1),
		"last week":              now.AddDate(0, 0, -7),
		"since 2h":               now.Add(-2 * time.Hour),
		"since the 14:00 deploy": time.Date(2025, 6, 4, 14, 0, 0, 0, time.UTC),
		"09:15":                  time.Date(2025, 6, 4, 9, 15, 0, 0, time.UTC),
		"since 16:00":            time.Date(2025, 6, 3, 16, 0, 0, 0, time.UTC), // not yet today: yesterday's
	}
	for in, want := range cases {
		got, ok := ParseSince(in, now)
		if !ok || !got.Equal(want) {
			t.Errorf("ParseSince(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "soon", "0h", "-3d", "last fortnight", "cpu", "25:00", "the deploy"} {
		if got, ok := ParseSince(in, now); ok {
			t.Errorf("ParseSince(%q) = %v, want not a time", in, got)
		}
	}
}
