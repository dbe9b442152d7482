package prom

import (
	"fmt"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// The JSON tokenizer the query_range decoder (decode.go) reads with.

// syntaxError is malformed JSON at a position.
type syntaxError struct {
	msg            string
	line, col, off int64
}

func (e *syntaxError) Error() string { return e.msg }

// scanner is a small JSON tokenizer over a refilled buffer, for the fixed
// shape of a query_range answer. Newlines can only occur between tokens
// in JSON, so it counts lines there.
type scanner struct {
	r         io.Reader
	buf       []byte // unread bytes are buf[pos:]
	pos       int
	off       int64 // stream offset of buf[0]
	line      int64
	lineStart int64 // stream offset of the current line's first byte
	rerr      error
	tmp       []byte
	depth     int
}

func (s *scanner) fail(format string, args ...any) error {
	off := s.off + int64(s.pos)
	return &syntaxError{msg: fmt.Sprintf(format, args...), line: s.line, col: off - s.lineStart + 1, off: off}
}

// fill reads more input, keeping the unread bytes; false at the end.
func (s *scanner) fill() bool {
	if s.rerr != nil {
		return false
	}
	n := copy(s.buf[:cap(s.buf)], s.buf[s.pos:])
	s.off += int64(s.pos)
	s.pos = 0
	for {
		m, err := s.r.Read(s.buf[n:cap(s.buf)])
		n += m
		if err != nil {
			s.rerr = err
		}
		if m > 0 || err != nil {
			break
		}
	}
	s.buf = s.buf[:n]
	return n > 0
}

// ensure reads until n bytes are unread; false if the input ends first.
func (s *scanner) ensure(n int) bool {
	for len(s.buf)-s.pos < n {
		if !s.fill() || len(s.buf)-s.pos < n && s.rerr != nil {
			return len(s.buf)-s.pos >= n
		}
	}
	return true
}

// peek returns the next byte after whitespace without consuming it.
func (s *scanner) peek() (byte, error) {
	for {
		for s.pos < len(s.buf) {
			switch c := s.buf[s.pos]; c {
			case ' ', '\t', '\r':
				s.pos++
			case '\n':
				s.pos++
				s.line, s.lineStart = s.line+1, s.off+int64(s.pos)
			default:
				return c, nil
			}
		}
		if !s.fill() {
			if s.rerr != nil && s.rerr != io.EOF {
				return 0, fmt.Errorf("read response: %w", s.rerr)
			}
			return 0, s.fail("unexpected end of input")
		}
	}
}

// expect consumes the byte c, after whitespace.
func (s *scanner) expect(c byte) error {
	got, err := s.peek()
	if err != nil {
		return err
	}
	if got != c {
		return s.fail("want %q, got %q", c, got)
	}
	s.pos++
	return nil
}

// more reports whether a list goes on: after its opening bracket (first)
// it consumes the closing one or nothing; later a comma or the closing
// one.
func (s *scanner) more(closing byte, first bool) (bool, error) {
	c, err := s.peek()
	if err != nil {
		return false, err
	}
	switch {
	case c == closing:
		s.pos++
		return false, nil
	case first:
		return true, nil
	case c == ',':
		s.pos++
		return true, nil
	}
	return false, s.fail("want ',' or %q, got %q", closing, c)
}

// object calls field with each key of an object.
func (s *scanner) object(field func(key []byte) error) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	var key []byte
	for first := true; ; first = false {
		ok, err := s.more('}', first)
		if err != nil || !ok {
			return err
		}
		raw, err := s.rawString()
		if err != nil {
			return err
		}
		key = append(key[:0], raw...) // the next read may move raw
		if err := s.expect(':'); err != nil {
			return err
		}
		if err := field(key); err != nil {
			return err
		}
	}
}

// array calls elem for each element of an array.
func (s *scanner) array(elem func(i int) error) error {
	if err := s.expect('['); err != nil {
		return err
	}
	for i := 0; ; i++ {
		ok, err := s.more(']', i == 0)
		if err != nil || !ok {
			return err
		}
		if err := elem(i); err != nil {
			return err
		}
	}
}

// rawString reads a string's decoded bytes, valid until the next read.
func (s *scanner) rawString() ([]byte, error) {
	if err := s.expect('"'); err != nil {
		return nil, err
	}
	s.tmp = s.tmp[:0]
	for {
		start := s.pos
		for s.pos < len(s.buf) {
			c := s.buf[s.pos]
			if c == '"' || c == '\\' || c < 0x20 {
				break
			}
			s.pos++
		}
		if s.pos == len(s.buf) {
			s.tmp = append(s.tmp, s.buf[start:]...)
			if !s.fill() {
				return nil, s.fail("unterminated string")
			}
			continue
		}
		c := s.buf[s.pos]
		if c == '"' && len(s.tmp) == 0 {
			s.pos++
			return s.buf[start : s.pos-1], nil // in place: no copy
		}
		s.tmp = append(s.tmp, s.buf[start:s.pos]...)
		s.pos++
		switch {
		case c == '"':
			return s.tmp, nil
		case c < 0x20:
			s.pos--
			return nil, s.fail("control character %q in string", c)
		}
		if err := s.escape(); err != nil {
			return nil, err
		}
	}
}

// escape decodes the escape after a backslash into tmp.
func (s *scanner) escape() error {
	if s.pos == len(s.buf) && !s.fill() {
		return s.fail("unterminated string")
	}
	c := s.buf[s.pos]
	s.pos++
	switch c {
	case '"', '\\', '/':
		s.tmp = append(s.tmp, c)
	case 'b':
		s.tmp = append(s.tmp, '\b')
	case 'f':
		s.tmp = append(s.tmp, '\f')
	case 'n':
		s.tmp = append(s.tmp, '\n')
	case 'r':
		s.tmp = append(s.tmp, '\r')
	case 't':
		s.tmp = append(s.tmp, '\t')
	case 'u':
		r, err := s.hex4()
		if err != nil {
			return err
		}
		if utf16.IsSurrogate(r) {
			r2 := utf8.RuneError
			if s.ensure(2) {
				if s.buf[s.pos] == '\\' && s.buf[s.pos+1] == 'u' {
					s.pos += 2
					if r2, err = s.hex4(); err != nil {
						return err
					}
				}
			}
			r = utf16.DecodeRune(r, r2)
		}
		s.tmp = utf8.AppendRune(s.tmp, r)
	default:
		s.pos--
		return s.fail("invalid escape %q in string", c)
	}
	return nil
}

func (s *scanner) hex4() (rune, error) {
	var r rune
	for range 4 {
		if s.pos == len(s.buf) && !s.fill() {
			return 0, s.fail("unterminated string")
		}
		c := s.buf[s.pos]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, s.fail("invalid \\u escape")
		}
		s.pos++
		r = r<<4 | rune(c)
	}
	return r, nil
}

// literal reads the bytes of a number or a true/false/null literal,
// valid until the next read.
func (s *scanner) literal() ([]byte, error) {
	if _, err := s.peek(); err != nil {
		return nil, err
	}
	s.tmp = s.tmp[:0]
	for {
		start := s.pos
		for s.pos < len(s.buf) && isLiteralByte(s.buf[s.pos]) {
			s.pos++
		}
		if s.pos < len(s.buf) { // it ends inside the buffer
			if len(s.tmp) > 0 {
				return append(s.tmp, s.buf[start:s.pos]...), nil
			}
			if start == s.pos {
				return nil, s.fail("want a value, got %q", s.buf[s.pos])
			}
			return s.buf[start:s.pos], nil
		}
		s.tmp = append(s.tmp, s.buf[start:]...)
		if !s.fill() { // the input ends with it
			return s.tmp, nil
		}
	}
}

func isLiteralByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || c == '-' || c == '+' || c == '.' || c == 'E'
}

// skip consumes one value of any kind.
func (s *scanner) skip() error {
	c, err := s.peek()
	if err != nil {
		return err
	}
	if s.depth++; s.depth > 256 {
		return s.fail("nested too deep")
	}
	defer func() { s.depth-- }()
	switch c {
	case '{':
		return s.object(func([]byte) error { return s.skip() })
	case '[':
		return s.array(func(int) error { return s.skip() })
	case '"':
		_, err := s.rawString()
		return err
	}
	lit, err := s.literal()
	if err != nil {
		return err
	}
	switch string(lit) {
	case "true", "false", "null":
		return nil
	}
	if !isNumber(lit) {
		return s.fail("invalid literal %.20q", lit)
	}
	return nil
}

// isNumber reports whether b is a JSON number:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func isNumber(b []byte) bool {
	digits := func(i int) int { // index after the digits at i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		return i
	}
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = digits(i)
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		if j := digits(i + 1); j > i+1 {
			i = j
		} else {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(i)
		if j == i {
			return false
		}
		i = j
	}
	return i == len(b)
}

// null consumes a null when one comes next.
func (s *scanner) null() (bool, error) {
	c, err := s.peek()
	if err != nil || c != 'n' {
		return false, err
	}
	lit, err := s.literal()
	if err != nil {
		return false, err
	}
	if string(lit) != "null" {
		return false, s.fail("invalid literal %.20q", lit)
	}
	return true, nil
}

// str reads a string value.
func (s *scanner) str() (string, error) {
	b, err := s.rawString()
	return string(b), err
}
