package detector

import "math"

// gram returns X'X and X'u for the columns xd.
func gram(xd [][]float64, u []float64) ([][]float64, []float64) {
	p := len(xd)
	g := make([][]float64, p)
	h := make([]float64, p)
	for a := range p {
		g[a] = make([]float64, p)
		h[a] = dot(xd[a], u)
		for b := 0; b <= a; b++ {
			g[a][b] = dot(xd[a], xd[b])
			g[b][a] = g[a][b]
		}
	}
	return g, h
}

// solve returns the least-squares coefficients of the columns idx from the
// normal equations g, h, by Cholesky with a tiny ridge for safety.
func solve(g [][]float64, h []float64, idx []int) []float64 {
	k := len(idx)
	if k == 0 {
		return nil
	}
	l := make([]float64, k*k)
	for a := range k {
		for b := 0; b <= a; b++ {
			s := g[idx[a]][idx[b]]
			if a == b {
				s *= 1 + 1e-10
			}
			for c := range b {
				s -= l[a*k+c] * l[b*k+c]
			}
			if a == b {
				if s <= 0 {
					s = 1e-300
				}
				l[a*k+a] = math.Sqrt(s)
			} else {
				l[a*k+b] = s / l[b*k+b]
			}
		}
	}
	y := make([]float64, k)
	for a := range k {
		s := h[idx[a]]
		for c := range a {
			s -= l[a*k+c] * y[c]
		}
		y[a] = s / l[a*k+a]
	}
	for a := k - 1; a >= 0; a-- {
		s := y[a]
		for c := a + 1; c < k; c++ {
			s -= l[c*k+a] * y[c]
		}
		y[a] = s / l[a*k+a]
	}
	return y
}

// pick returns v at the positions idx.
func pick(v []float64, idx []int) []float64 {
	out := make([]float64, len(idx))
	for i, j := range idx {
		out[i] = v[j]
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
