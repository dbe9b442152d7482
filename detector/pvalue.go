package detector

import "math"

// maxCUSUMPValue approximates the probability that, in L points of
// independent noise with no change, the largest standardised two-sample
// statistic |T_k| over split points m ≤ k ≤ L−m exceeds c.
//
// It is the James, James & Siegmund (1987) approximation for the maximum of
// a standardised Brownian bridge with Siegmund's discreteness correction ν:
//
//	P ≈ 2 c φ(c) ∫ ν(c·√(1/(L t(1−t)))) dt / (t(1−t)),  t from m/L to 1−m/L,
//
// integrated over u = log(t/(1−t)) with a midpoint rule. Checked against
// simulation of gaussian noise for L from 50 to 864 (within about 20% in the
// 1e-2 to 1e-3 tail, erring low — the test is slightly conservative).
func maxCUSUMPValue(c float64, L, m int) float64 {
	if L < 2*m || c <= 0 {
		return 1
	}
	fl := float64(L)
	t0 := float64(m) / fl
	u0 := math.Log(t0 / (1 - t0))
	const steps = 16
	du := -2 * u0 / steps
	sum := 0.0
	for i := range steps {
		u := u0 + (float64(i)+0.5)*du
		t := 1 / (1 + math.Exp(-u))
		sum += nu(c/math.Sqrt(fl*t*(1-t))) * du
	}
	if m == L-m { // a single admissible split: an ordinary two-sided z-test
		return 2 * (1 - normCDF(c))
	}
	p := 2 * c * normPDF(c) * sum
	return math.Min(1, math.Max(p, 2*(1-normCDF(c))))
}

// nu is Siegmund's correction for the overshoot of a discrete random walk.
func nu(x float64) float64 {
	if x < 1e-9 {
		return 1
	}
	h := x / 2
	r := 2 / x * (normCDF(h) - 0.5)
	return r * r / (h*normCDF(h) + normPDF(h))
}
