package longest

import "testing"

func TestFirstWord(t *testing.T) {
	for s, want := range map[string]string{"  abc9 d": "abc9", "x": "x", "42": ""} {
		if got := FirstWord(s); got != want {
			t.Errorf("FirstWord(%q) = %q, want %q", s, got, want)
		}
	}
}

func BenchmarkFirstWord(b *testing.B) {
	for range b.N {
		FirstWord("  hello42 world")
	}
}
