package cronspec

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		spec, tz string
		want     string // substring of the error; empty: valid
	}{
		{"*/15 * * * *", "", ""},
		{"*/59 */23 */31 */12 */6", "Europe/Paris", ""},
		{"0 9 * * MON-FRI", "America/New_York", ""},
		{"5,10-50/20 * * * *", "", ""},
		{"@daily", "", ""},
		{"@every 90s", "", ""},
		{"", "", "required"},
		{"*/61 * * * *", "", "minute step 61"},
		{"5/60 * * * *", "", "minute step 60"},
		{"0 1,*/24 * * *", "", "hour step 24"},
		{"0 0 */32 * *", "", "day-of-month step 32"},
		{"0 0 1 */13 *", "", "month step 13"},
		{"0 0 * * */7", "", "day-of-week step 7"},
		{"61 * * * *", "", "61"},
		{"nope", "", "nope"},
		{"* * * *", "", "5 fields"},
		{"@hourly", "Mars/Base", `time_zone "Mars/Base"`},
		{"CRON_TZ=UTC 0 * * * *", "", "time_zone"},
	}
	for _, tt := range tests {
		err := Check(tt.spec, tt.tz)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("Check(%q, %q) = %v, want nil", tt.spec, tt.tz, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("Check(%q, %q) = %v, want an error mentioning %q", tt.spec, tt.tz, err, tt.want)
		}
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{"*/15 * * * *", "*/61 * * * *", "0 9 * * MON-FRI", "@every 5m", "1-5/2,7 * * * *"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		_ = Check(spec, "") // must not panic
	})
}
