package detector

import "math"

// solve returns the least-squares coefficients of the columns idx from the
// normal equations g (p×p, row-major) and h, by Cholesky with a tiny ridge
// for safety. l and y are scratch space, grown as needed.
func solve(g, h []float64, p int, idx []int, l, y *[]float64) []float64 {
	k := len(idx)
	if k == 0 {
		return nil
	}
	if cap(*l) < k*k {
		*l = make([]float64, k*k)
	}
	if cap(*y) < k {
		*y = make([]float64, k)
	}
	L, out := (*l)[:k*k], (*y)[:k]
	for a := range k {
		for b := 0; b <= a; b++ {
			s := g[idx[a]*p+idx[b]]
			if a == b {
				s *= 1 + 1e-10
			}
			for c := range b {
				s -= L[a*k+c] * L[b*k+c]
			}
			if a == b {
				if s <= 0 {
					s = 1e-300
				}
				L[a*k+a] = math.Sqrt(s)
			} else {
				L[a*k+b] = s / L[b*k+b]
			}
		}
	}
	for a := range k {
		s := h[idx[a]]
		for c := range a {
			s -= L[a*k+c] * out[c]
		}
		out[a] = s / L[a*k+a]
	}
	for a := k - 1; a >= 0; a-- {
		s := out[a]
		for c := a + 1; c < k; c++ {
			s -= L[c*k+a] * out[c]
		}
		out[a] = s / L[a*k+a]
	}
	return out
}

// dot is the inner product of a and b.
func dot(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}
