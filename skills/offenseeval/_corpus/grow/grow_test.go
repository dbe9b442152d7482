package grow

import (
	"slices"
	"testing"
)

func TestSquares(t *testing.T) {
	for _, tc := range []struct{ in, want []int }{{nil, nil}, {[]int{}, nil}, {[]int{1, -2, 3}, []int{1, 4, 9}}} {
		if got := Squares(tc.in); !slices.Equal(got, tc.want) || (got == nil) != (tc.want == nil) {
			t.Errorf("Squares(%v) = %#v, want %#v", tc.in, got, tc.want)
		}
	}
}

func BenchmarkSquares(b *testing.B) {
	xs := make([]int, 4096)
	for i := range xs {
		xs[i] = i
	}
	for range b.N {
		Squares(xs)
	}
}
