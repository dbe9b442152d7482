package detector

import "math"

// normPDF is the standard normal density φ(x).
func normPDF(x float64) float64 {
	return math.Exp(-x*x/2) / math.Sqrt(2*math.Pi)
}

// normCDF is the standard normal distribution function Φ(x).
func normCDF(x float64) float64 {
	return 0.5 * math.Erfc(-x/math.Sqrt2)
}

// normQuantile is Φ⁻¹(p) for p in (0, 1), by Acklam's rational
// approximation and one Halley refinement step (relative error < 1e-15).
func normQuantile(p float64) float64 {
	const (
		a1, a2, a3 = -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02
		a4, a5, a6 = 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00
		b1, b2, b3 = -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02
		b4, b5     = 6.680131188771972e+01, -1.328068155288572e+01
		c1, c2, c3 = -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00
		c4, c5, c6 = -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00
		d1, d2, d3 = 7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00
		d4         = 3.754408661907416e+00
		low        = 0.02425
	)
	var x float64
	switch {
	case p <= 0:
		return math.Inf(-1)
	case p >= 1:
		return math.Inf(1)
	case p < low:
		q := math.Sqrt(-2 * math.Log(p))
		x = (((((c1*q+c2)*q+c3)*q+c4)*q+c5)*q + c6) / ((((d1*q+d2)*q+d3)*q+d4)*q + 1)
	case p <= 1-low:
		q := p - 0.5
		r := q * q
		x = (((((a1*r+a2)*r+a3)*r+a4)*r+a5)*r + a6) * q / (((((b1*r+b2)*r+b3)*r+b4)*r+b5)*r + 1)
	default:
		q := math.Sqrt(-2 * math.Log(1-p))
		x = -(((((c1*q+c2)*q+c3)*q+c4)*q+c5)*q + c6) / ((((d1*q+d2)*q+d3)*q+d4)*q + 1)
	}
	e := normCDF(x) - p
	u := e * math.Sqrt(2*math.Pi) * math.Exp(x*x/2)
	return x - u/(1+x*u/2)
}

// chi2Survival is P(X > x) for X chi-square with df ≥ 1 degrees of
// freedom, by the recurrence Q(k+2) = Q(k) + (x/2)^(k/2) e^(−x/2) / Γ(k/2+1)
// from Q(1) = 2(1−Φ(√x)) or Q(2) = e^(−x/2).
func chi2Survival(x float64, df int) float64 {
	if x <= 0 {
		return 1
	}
	h := x / 2
	var q float64
	k := 1
	if df%2 == 1 {
		q = 2 * (1 - normCDF(math.Sqrt(x)))
	} else {
		q, k = math.Exp(-h), 2
	}
	for ; k < df; k += 2 {
		lg, _ := math.Lgamma(float64(k)/2 + 1)
		q += math.Exp(float64(k)/2*math.Log(h) - h - lg)
	}
	return math.Min(1, q)
}
