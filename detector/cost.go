package detector

import "math"

// Huber's constant: residuals beyond hubK noise standard deviations count
// linearly, so outliers cannot decide between explanations.
const hubK = 3

// cost is the penalised cost of explaining y by the segment means of ks:
// the Huber loss of the residuals in units of sigma², plus, per change, the
// squared threshold the change test uses on n points — so a change is worth
// keeping in the comparison exactly when its test would accept it.
func (d *Detector) cost(y []float64, ks []int, sigma float64) float64 {
	n := len(y)
	loss := 0.0
	for j := 0; j <= len(ks); j++ {
		a, b := 0, n
		if j > 0 {
			a = ks[j-1]
		}
		if j < len(ks) {
			b = ks[j]
		}
		mu := trimmedMean(y[a:b], &d.tmp)
		for _, v := range y[a:b] {
			r := math.Abs(v-mu) / sigma
			if r <= hubK {
				loss += r * r
			} else {
				loss += 2*hubK*r - hubK*hubK
			}
		}
	}
	return loss + float64(len(ks))*d.changePenalty(n)
}

// changePenalty is c² for the c at which a change test on n points has
// p-value Alpha.
func (d *Detector) changePenalty(n int) float64 {
	if p, ok := d.pens[n]; ok {
		return p
	}
	lo, hi := 0.0, 40.0
	for range 50 {
		mid := (lo + hi) / 2
		if d.pvalue(mid, n) > d.opts.Alpha {
			lo = mid
		} else {
			hi = mid
		}
	}
	if len(d.pens) > 64 {
		clear(d.pens)
	}
	d.pens[n] = hi * hi
	return hi * hi
}

// termPenalty is the chi-square quantile at 1−Alpha for a nuisance term
// of df columns: the term is worth its place in a comparison of
// explanations exactly when its own test would accept it.
func (d *Detector) termPenalty(df int) float64 {
	if p, ok := d.pens[-df]; ok {
		return p
	}
	lo, hi := 0.0, 400.0
	for range 60 {
		mid := (lo + hi) / 2
		if chi2Survival(mid, df) > d.opts.Alpha {
			lo = mid
		} else {
			hi = mid
		}
	}
	d.pens[-df] = hi
	return hi
}

// diffScale is a robust noise standard deviation from successive
// differences (insensitive to steps and slow drift); for heavily quantised
// data whose median difference is zero it falls back to the mean absolute
// difference.
//
// The median comes from selectNonNeg, which leaves t in order; only the
// fallback, whose mean is summed in the order selectK leaves, runs
// selectK itself.
func diffScale(y []float64, tmp *[]float64, sc *selectScratch) float64 {
	t := (*tmp)[:0]
	for i := 1; i < len(y); i++ {
		t = append(t, math.Abs(y[i]-y[i-1]))
	}
	*tmp = t
	if len(t) == 0 {
		return 1
	}
	if s := selectNonNeg(t, len(t)/2, sc) / (0.6745 * math.Sqrt2); s > 0 {
		return s
	}
	if s := selectK(t, len(t)/2) / (0.6745 * math.Sqrt2); s > 0 {
		return s
	}
	sum := 0.0
	for _, v := range t {
		sum += v
	}
	if sum == 0 {
		return 1
	}
	return sum / float64(len(t)) * math.Sqrt(math.Pi) / 2
}
