package detector

import "slices"

// design holds the nuisance regressors of one series (seasonal harmonics,
// and drift when trend) with the sums that let adjust form the normal
// equations for any segmentation in O(p² · segments) instead of O(n · p²):
// the Gram matrix of the columns, their prefix sums, and the same for the
// values x.
type design struct {
	valid bool
	cols  [][]float64 // zero-mean columns, n each
	rows  []float64   // the same, row-major (n×p), for one-pass fits
	terms []term
	pre   [][]float64 // prefix sums of each column, n+1 each
	gram  []float64   // p×p X'X, row-major
	xty   []float64   // X'x
	xpre  []float64   // prefix sums of x, n+1
	xx    float64     // x'x
	x     []float64   // the series the sums of x are of

	// times are the timestamps the columns were built for: a series with
	// the same times (the common case in a fleet scan, where one query
	// returns many series on one grid) reuses the columns, their sums and
	// their Gram matrix, and only the sums of x are recomputed.
	times          []int64
	n              int
	built          bool
	colBuf, preBuf [][]float64
}

// build fills the design for values x at times (nil: by index). When
// from is valid for the same x and its columns are the first of this
// design's (the seasonal columns, shared by the designs without and with
// drift), its sums of x are copied rather than recomputed: the same
// arithmetic in the same order, so the same values.
func (ds *design) build(d *Detector, x []float64, times []int64, trend bool, from *design) {
	n := len(x)
	ds.valid = true
	if !ds.built || ds.n != n || !slices.Equal(ds.times, times) {
		ds.buildColumns(d, times, n, trend)
	}
	p := len(ds.cols)
	ds.xty = slices.Grow(ds.xty[:0], p)[:p]
	first := 0
	if from != nil && from.valid && from.sameSeries(x) && len(from.cols) <= p && slices.Equal(from.times, ds.times) {
		ds.xpre = append(ds.xpre[:0], from.xpre...)
		ds.xx = from.xx
		first = copy(ds.xty, from.xty)
	} else {
		ds.xpre, ds.xx = prefixSumsSquares(ds.xpre, x)
	}
	dots(ds.cols[first:], x, ds.xty[first:])
	ds.x = x
}

// sameSeries reports whether the design's sums of x are those of x: the
// same slice of the same series.
func (ds *design) sameSeries(x []float64) bool {
	return len(ds.x) == len(x) && len(x) > 0 && &ds.x[0] == &x[0]
}

// dots sets out[a] to dot(cols[a], x) for every column, up to four
// columns per pass over x: each inner product is summed in dot's order,
// so the values are dot's, but the sums run side by side.
func dots(cols [][]float64, x, out []float64) {
	n := len(x)
	a := 0
	for ; a+4 <= len(cols); a += 4 {
		c0, c1, c2, c3 := cols[a][:n], cols[a+1][:n], cols[a+2][:n], cols[a+3][:n]
		var s0, s1, s2, s3 float64
		for i, v := range x {
			s0 += c0[i] * v
			s1 += c1[i] * v
			s2 += c2[i] * v
			s3 += c3[i] * v
		}
		out[a], out[a+1], out[a+2], out[a+3] = s0, s1, s2, s3
	}
	switch len(cols) - a {
	case 3:
		c0, c1, c2 := cols[a][:n], cols[a+1][:n], cols[a+2][:n]
		var s0, s1, s2 float64
		for i, v := range x {
			s0 += c0[i] * v
			s1 += c1[i] * v
			s2 += c2[i] * v
		}
		out[a], out[a+1], out[a+2] = s0, s1, s2
	case 2:
		c0, c1 := cols[a][:n], cols[a+1][:n]
		var s0, s1 float64
		for i, v := range x {
			s0 += c0[i] * v
			s1 += c1[i] * v
		}
		out[a], out[a+1] = s0, s1
	case 1:
		out[a] = dot(cols[a], x)
	}
}

// buildColumns builds the regressors for n points at times and the sums
// that depend on them alone.
func (ds *design) buildColumns(d *Detector, times []int64, n int, trend bool) {
	ds.cols, ds.terms = d.opts.regressors(times, n, trend, &ds.colBuf)
	ds.times = append(ds.times[:0], times...)
	if times == nil {
		ds.times = nil
	}
	ds.n, ds.built = n, true
	p := len(ds.cols)
	ds.pre = ds.pre[:0]
	for j, c := range ds.cols {
		if j >= len(ds.preBuf) {
			ds.preBuf = append(ds.preBuf, nil)
		}
		ds.preBuf[j] = prefixSums(ds.preBuf[j], c)
		ds.pre = append(ds.pre, ds.preBuf[j])
	}
	ds.rows = slices.Grow(ds.rows[:0], n*p)[:n*p]
	for j, c := range ds.cols {
		for i, v := range c {
			ds.rows[i*p+j] = v
		}
	}
	ds.gram = slices.Grow(ds.gram[:0], p*p)[:p*p]
	for a, ca := range ds.cols {
		for b := 0; b <= a; b++ {
			g := dot(ca, ds.cols[b])
			ds.gram[a*p+b], ds.gram[b*p+a] = g, g
		}
	}
}

// prefixSumsSquares is prefixSums(buf, v) and dot(v, v) in one pass
// (each summed in its own order, so the same values).
func prefixSumsSquares(buf, v []float64) ([]float64, float64) {
	buf = slices.Grow(buf[:0], len(v)+1)[:len(v)+1]
	buf[0] = 0
	s, ss := 0.0, 0.0
	for i, x := range v {
		s += x
		buf[i+1] = s
		ss += x * x
	}
	return buf, ss
}

// prefixSums returns the n+1 prefix sums of v, reusing buf.
func prefixSums(buf, v []float64) []float64 {
	buf = slices.Grow(buf[:0], len(v)+1)[:len(v)+1]
	buf[0] = 0
	s := 0.0 // the running sum in a register, not reloaded from buf
	for i, x := range v {
		s += x
		buf[i+1] = s
	}
	return buf
}

// normal returns the normal equations G, h and u'u of the regression of x
// on the columns after every segment of ks has been demeaned (the segment
// means partialled out), from the design's sums alone.
func (ds *design) normal(ks []int, g, h []float64) ([]float64, []float64, float64) {
	p := len(ds.cols)
	n := len(ds.xpre) - 1
	g = append(g[:0], ds.gram...)
	h = append(h[:0], ds.xty...)
	uu := ds.xx
	a := 0
	for j := 0; j <= len(ks); j++ {
		b := n
		if j < len(ks) {
			b = ks[j]
		}
		inv := 1 / float64(b-a)
		sx := ds.xpre[b] - ds.xpre[a]
		uu -= sx * sx * inv
		for i := range p {
			si := ds.pre[i][b] - ds.pre[i][a]
			h[i] -= si * sx * inv
			for k := 0; k <= i; k++ {
				g[i*p+k] -= si * (ds.pre[k][b] - ds.pre[k][a]) * inv
			}
		}
		a = b
	}
	for i := range p {
		for k := 0; k < i; k++ {
			g[k*p+i] = g[i*p+k]
		}
	}
	return g, h, uu
}

// residuals writes into e the residuals of x, segment-demeaned by ks, after
// the fit beta on the segment-demeaned columns: e = (x − x̄ₛ) − (f − f̄ₛ)
// with f = X·beta and s the segment of each point.
func (ds *design) residuals(x []float64, ks []int, beta, e []float64) {
	n := len(x)
	p := len(ds.cols)
	beta = beta[:p]
	rows := ds.rows[:n*p]
	e, x = e[:n], x[:n]
	// Each segment's mean depends on the sums alone, so it is subtracted
	// in the same pass as the fit (after it, as a second pass did).
	a := 0
	for j := 0; j <= len(ks); j++ {
		b := n
		if j < len(ks) {
			b = ks[j]
		}
		m := ds.segmentMean(a, b, beta)
		switch p {
		case 6:
			fit6(rows[a*6:b*6], x[a:b], beta, e[a:b], m)
		case 9:
			fit9(rows[a*9:b*9], x[a:b], beta, e[a:b], m)
		default:
			fitRows(rows[a*p:b*p], x[a:b], beta, e[a:b], m)
		}
		a = b
	}
}

// segmentMean is the mean over [a, b) of x − X·beta, from the sums.
func (ds *design) segmentMean(a, b int, beta []float64) float64 {
	m := ds.xpre[b] - ds.xpre[a]
	for k, pk := range ds.pre {
		m -= beta[k] * (pk[b] - pk[a])
	}
	return m / float64(b-a)
}

// fitRows writes x − X·beta − m into e, X the row-major rows (len(beta)
// columns); fit6 and fit9 are the same for 6 and 9 columns (the default
// daily harmonics, without and with drift), with beta in registers: the
// same sums in the same order, so the same values.
func fitRows(rows, x, beta, e []float64, m float64) {
	p := len(beta)
	for i := range x {
		row := rows[i*p : i*p+p : i*p+p]
		// Four partial sums break the floating-point dependency chain.
		var f0, f1, f2, f3 float64
		j := 0
		for ; j+4 <= p; j += 4 {
			f0 += beta[j] * row[j]
			f1 += beta[j+1] * row[j+1]
			f2 += beta[j+2] * row[j+2]
			f3 += beta[j+3] * row[j+3]
		}
		for ; j < p; j++ {
			f0 += beta[j] * row[j]
		}
		e[i] = x[i] - (f0 + f1) - (f2 + f3) - m
	}
}

func fit6(rows, x, beta, e []float64, m float64) {
	b0, b1, b2, b3, b4, b5 := beta[0], beta[1], beta[2], beta[3], beta[4], beta[5]
	e = e[:len(x)]
	for i := range x {
		r := rows[i*6 : i*6+6 : i*6+6]
		f0 := b0*r[0] + b4*r[4] + b5*r[5]
		f1, f2, f3 := b1*r[1], b2*r[2], b3*r[3]
		e[i] = x[i] - (f0 + f1) - (f2 + f3) - m
	}
}

func fit9(rows, x, beta, e []float64, m float64) {
	b0, b1, b2, b3, b4, b5, b6, b7, b8 := beta[0], beta[1], beta[2], beta[3], beta[4], beta[5], beta[6], beta[7], beta[8]
	e = e[:len(x)]
	for i := range x {
		r := rows[i*9 : i*9+9 : i*9+9]
		f0 := b0*r[0] + b4*r[4] + b8*r[8]
		f1 := b1*r[1] + b5*r[5]
		f2 := b2*r[2] + b6*r[6]
		f3 := b3*r[3] + b7*r[7]
		e[i] = x[i] - (f0 + f1) - (f2 + f3) - m
	}
}
