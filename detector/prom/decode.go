package prom

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/wattson-dev/wattson/detector"
)

// decodeOptions tune decodeMatrix.
type decodeOptions struct {
	// maxPoints refuses, with detector.ErrTooManyPoints, a response of
	// more points in all (0: no limit), as soon as it is passed.
	maxPoints int
	// capHint is the capacity given to each series' buffers: the points
	// per series the caller will append to them. Zero gives each series
	// the previous one's length: the series of one answer mostly have
	// the same number of points.
	capHint int
	// dropEmpty drops a series with no points (a live answer's native
	// histograms) instead of refusing it.
	dropEmpty bool
}

// envelope is a decoded query_range response.
type envelope struct {
	status, errorType, error, resultType string
	hasData                              bool
	series                               []detector.Series
	warnings                             []string
	bytes                                int64 // bytes read
}

// decodeMatrix reads a /api/v1/query_range response from r as a stream,
// straight into each series' Times and Values: it holds a read buffer
// and the series, never the response. The envelope's keys may come in
// any order and unknown keys are skipped. A JSON syntax error names its
// line, column and byte offset; a bad sample its series and point.
func decodeMatrix(r io.Reader, opts decodeOptions) (envelope, error) {
	d := &scanner{r: r, buf: make([]byte, 0, 256<<10), line: 1}
	var e envelope
	if _, err := d.peek(); err != nil {
		var se *syntaxError
		if errors.As(err, &se) {
			return e, fmt.Errorf("empty input: %w", ErrEmpty)
		}
		return e, err
	}
	err := d.envelope(&e, opts)
	e.bytes = d.off + int64(d.pos)
	if err != nil {
		var se *syntaxError
		if errors.As(err, &se) {
			return e, fmt.Errorf("line %d column %d (offset %d): decode JSON: %s", se.line, se.col, se.off, se.msg)
		}
		return e, err
	}
	return e, nil
}

// envelope decodes the top-level object into e.
func (s *scanner) envelope(e *envelope, opts decodeOptions) error {
	points := 0
	err := s.object(func(key []byte) error {
		var err error
		switch string(key) {
		case "status":
			e.status, err = s.str()
		case "errorType":
			e.errorType, err = s.str()
		case "error":
			e.error, err = s.str()
		case "warnings":
			if isNull, err := s.null(); err != nil || isNull {
				return err
			}
			return s.array(func(int) error {
				w, err := s.str()
				e.warnings = append(e.warnings, w)
				return err
			})
		case "data":
			isNull, err := s.null()
			if err != nil || isNull {
				return err
			}
			e.hasData = true
			return s.object(func(key []byte) error {
				switch string(key) {
				case "resultType":
					var err error
					e.resultType, err = s.str()
					return err
				case "result":
					if e.resultType != "" && e.resultType != "matrix" {
						return s.skip()
					}
					if isNull, err := s.null(); err != nil || isNull {
						return err
					}
					return s.array(func(i int) error { return s.series(e, i, &points, opts) })
				}
				return s.skip()
			})
		default:
			err = s.skip()
		}
		return err
	})
	if err != nil {
		return err
	}
	if c, err := s.peek(); err == nil {
		return s.fail("unexpected %q after the response", c)
	}
	return nil
}

// series decodes the i-th element of the result into e.series.
func (s *scanner) series(e *envelope, i int, points *int, opts decodeOptions) error {
	ser := detector.Series{Labels: map[string]string{}}
	capacity := opts.capHint
	if capacity == 0 && len(e.series) > 0 {
		capacity = len(e.series[len(e.series)-1].Times)
	}
	if capacity > 0 {
		ser.Times, ser.Values = make([]int64, 0, capacity), make([]float64, 0, capacity)
	}
	err := s.object(func(key []byte) error {
		switch string(key) {
		case "metric":
			if isNull, err := s.null(); err != nil || isNull {
				return err
			}
			return s.object(func(name []byte) error {
				n := string(name)
				v, err := s.str()
				ser.Labels[n] = v
				return err
			})
		case "values":
			if isNull, err := s.null(); err != nil || isNull {
				return err
			}
			return s.array(func(p int) error {
				if *points++; opts.maxPoints > 0 && *points > opts.maxPoints {
					return fmt.Errorf("more than the limit of %d points, in %d series or more: %w", opts.maxPoints, i+1, detector.ErrTooManyPoints)
				}
				t, v, err := s.point(i, p)
				if err != nil {
					return err
				}
				if p > 0 && t <= ser.Times[p-1] {
					return fmt.Errorf("series %d point %d: time %d is not after the previous point", i, p, t)
				}
				ser.Times, ser.Values = append(ser.Times, t), append(ser.Values, v)
				return nil
			})
		}
		return s.skip()
	})
	if err != nil {
		return err
	}
	if len(ser.Times) == 0 {
		if opts.dropEmpty {
			return nil
		}
		return fmt.Errorf("series %d %s has no points: %w", i, detector.LabelsKey(ser.Labels), ErrEmpty)
	}
	e.series = append(e.series, ser)
	return nil
}

// point decodes one [unix_seconds, "value"] pair: point p of series i.
func (s *scanner) point(i, p int) (int64, float64, error) {
	if t, v, ok := s.fastPoint(); ok {
		return t, v, nil
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("series %d point %d: "+format, append([]any{i, p}, args...)...)
	}
	if c, err := s.peek(); err != nil {
		return 0, 0, err
	} else if c != '[' {
		return 0, 0, bad("want [time, \"value\"], got %q", c)
	}
	s.pos++
	lit, err := s.literal()
	if err != nil {
		return 0, 0, bad("want [time, \"value\"]: %w", err)
	}
	t, ok := unixSeconds(lit)
	if !ok {
		return 0, 0, bad("time %.40s is not a number", lit)
	}
	if c, err := s.peek(); err != nil {
		return 0, 0, err
	} else if c != ',' {
		return 0, 0, bad("want [time, \"value\"], got %q after the time", c)
	}
	s.pos++
	if c, err := s.peek(); err != nil {
		return 0, 0, err
	} else if c != '"' {
		lit, _ := s.literal()
		return 0, 0, bad("value %.40s is not a quoted number", lit)
	}
	vs, err := s.rawString()
	if err != nil {
		return 0, 0, err
	}
	v, ok := parseDecimal(vs)
	if !ok {
		var err error
		if v, err = strconv.ParseFloat(string(vs), 64); err != nil {
			return 0, 0, bad("value %q is not a number", vs)
		}
	}
	if err := s.expect(']'); err != nil {
		return 0, 0, err
	}
	return t, v, nil
}

// fastPointLen is how many unread bytes fastPoint wants: more than the
// longest point it decodes.
const fastPointLen = 48

// fastPoint decodes a point as Prometheus writes it — [<digits>,"<value>"]
// with no whitespace, an integer time of at most 15 digits and a value
// parseDecimal takes — straight from the buffer, in one pass and with no
// calls per byte: most of a large answer's bytes are such points, and the
// general path (point) spent more CPU on them than the detector spends on
// the series. Anything else is not ok and consumes nothing, for point to
// read the general way (and to report what is wrong with it).
func (s *scanner) fastPoint() (int64, float64, bool) {
	if len(s.buf)-s.pos < fastPointLen && !s.ensure(fastPointLen) {
		return 0, 0, false // the input's last bytes
	}
	b := s.buf[s.pos:]
	if b[0] != '[' {
		return 0, 0, false
	}
	i := 1
	var t int64
	for ; i < 16 && '0' <= b[i] && b[i] <= '9'; i++ {
		t = t*10 + int64(b[i]-'0')
	}
	if i == 1 || b[1] == '0' && i > 2 || b[i] != ',' || b[i+1] != '"' {
		return 0, 0, false
	}
	start := i + 2
	end := start
	for end < len(b) && end-start < 24 && b[end] != '"' && b[end] != '\\' {
		end++
	}
	if end+1 >= len(b) || b[end] != '"' || b[end+1] != ']' {
		return 0, 0, false
	}
	v, ok := parseDecimal(b[start:end])
	if !ok {
		return 0, 0, false
	}
	s.pos += end + 2
	return t, v, true
}

// unixSeconds reads a time in unix seconds, rounded to a whole second:
// the integer fast path, else a float within ±1e15.
func unixSeconds(b []byte) (int64, bool) {
	if len(b) > 0 && len(b) < 16 && (b[0] != '0' || len(b) == 1) {
		var n int64
		i := 0
		for ; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
			n = n*10 + int64(b[i]-'0')
		}
		if i == len(b) {
			return n, true
		}
	}
	if !isNumber(b) {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) || f < -1e15 || f > 1e15 {
		return 0, false
	}
	return int64(math.Round(f)), true
}

// pow10 are the powers of ten that a float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseDecimal is the fast path for most sample values: an optional
// minus, digits and an optional fraction, 15 significant digits at most
// and no exponent. Its mantissa and power of ten are exact in a float64,
// so their quotient is the correctly rounded value, as ParseFloat gives;
// anything else (NaN, Inf, exponents, long mantissas) is not ok and left
// to ParseFloat.
func parseDecimal(b []byte) (float64, bool) {
	i, neg := 0, false
	if len(b) > 0 && b[0] == '-' {
		i, neg = 1, true
	}
	var m uint64
	digits, frac, dot := 0, 0, false
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case '0' <= c && c <= '9':
			if m == 0 && c == '0' && !dot {
				continue // leading zeros
			}
			m = m*10 + uint64(c-'0')
			digits++
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if digits > 15 || frac >= len(pow10) || len(b) == 0 || b[len(b)-1] == '.' || b[i-1] == '-' {
		return 0, false
	}
	f := float64(m) / pow10[frac]
	if neg {
		f = -f
	}
	return f, true
}
