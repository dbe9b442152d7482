package funcdetect

import "testing"

func TestTrafficMix(t *testing.T) {
	rise := func(fn string, index, end int, factor float64) Change {
		return Change{Function: fn, Index: index, end: end, Before: 1, After: factor}
	}
	tests := []struct {
		name      string
		rises     []Change
		wantMixed []string
	}{
		{"three together by one factor", []Change{
			rise("a", 100, 432, 1.25), rise("b", 102, 432, 1.2), rise("c", 105, 432, 1.3),
		}, []string{"a", "b", "c"}},
		{"two are not a mix", []Change{
			rise("a", 100, 432, 1.25), rise("b", 102, 432, 1.2),
		}, nil},
		{"a factor far from the group's is its own change", []Change{
			rise("a", 100, 432, 1.25), rise("b", 102, 432, 1.2), rise("c", 105, 432, 1.3), rise("d", 104, 432, 3),
		}, []string{"a", "b", "c"}},
		// the detector places a small function's part of a mix change
		// hours early: its level still holds at the group's time
		{"a member placed early", []Change{
			rise("early", 45, 432, 1.22), rise("a", 100, 432, 1.25), rise("b", 102, 432, 1.2), rise("c", 105, 432, 1.3),
		}, []string{"early", "a", "b", "c"}},
		{"an early rise that ended before the group is kept", []Change{
			rise("gone", 45, 80, 1.22), rise("a", 100, 432, 1.25), rise("b", 102, 432, 1.2), rise("c", 105, 432, 1.3),
		}, []string{"a", "b", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kept, mixed := trafficMix(tt.rises, nil, Options{}.withDefaults())
			var got []string
			for _, c := range mixed {
				if c.Filter != FilterTrafficMix {
					t.Errorf("%s mixed with filter %q", c.Function, c.Filter)
				}
				got = append(got, c.Function)
			}
			if len(got) != len(tt.wantMixed) || len(kept)+len(mixed) != len(tt.rises) {
				t.Fatalf("mixed %v, kept %d; want mixed %v", got, len(kept), tt.wantMixed)
			}
			for i := range got {
				if got[i] != tt.wantMixed[i] {
					t.Errorf("mixed %v, want %v", got, tt.wantMixed)
				}
			}
		})
	}
}

func TestRenormalised(t *testing.T) {
	// another function lost 5% of the profile at point 100: every other
	// share grows by 1/0.95, about 5.3%
	falls := []Change{{Function: "gone", Index: 100, Before: 0.08, After: 0.03}}
	tests := []struct {
		name string
		rise Change
		want bool
	}{
		{"rising back with the others", Change{Index: 101, Before: 0.5, After: 0.526, Pct: 5.2}, true},
		{"far more than the others", Change{Index: 101, Before: 0.02, After: 0.03, Pct: 50}, false},
		{"at another time", Change{Index: 200, Before: 0.5, After: 0.526, Pct: 5.2}, false},
		{"no fall at all", Change{Index: 101, Before: 0.5, After: 0.526, Pct: 5.2}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := falls
			if tt.name == "no fall at all" {
				fs = nil
			}
			if got := renormalised(tt.rise, fs, Options{}.withDefaults()); got != tt.want {
				t.Errorf("renormalised = %v, want %v", got, tt.want)
			}
		})
	}
}
