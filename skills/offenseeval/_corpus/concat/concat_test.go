package concat

import (
	"fmt"
	"strings"
	"testing"
)

func TestCSV(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{{nil, ""}, {[]string{"a"}, "a"}, {[]string{"a", "", "c"}, "a,,c"}, {[]string{"x", "y"}, "x,y"}} {
		if got := CSV(tc.in); got != tc.want {
			t.Errorf("CSV(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	long := make([]string, 300)
	for i := range long {
		long[i] = fmt.Sprint(i)
	}
	if got := CSV(long); got != strings.Join(long, ",") {
		t.Errorf("CSV of 300 fields differs from strings.Join")
	}
}

func BenchmarkCSV(b *testing.B) {
	fields := make([]string, 200)
	for i := range fields {
		fields[i] = fmt.Sprintf("field-%03d", i)
	}
	for range b.N {
		CSV(fields)
	}
}
