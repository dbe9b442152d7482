package prom

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// labelCounts is what a plan needs of a query's series: for each label
// name, how many series have each of its values ("" for none), and how
// many series there are. A million series' listing is kept as this, not
// as a million label sets: the replica that plans a fleet's tick holds
// the counts of its labels' values, about a quarter of the memory.
type labelCounts struct {
	byName map[string]map[string]int
	series int
}

// listSeries lists the series selector matches over [start, end] with
// /api/v1/series (a form-encoded POST, a GET when the server refuses POST
// with 405) and counts their label values as the answer arrives, never
// holding it. It returns the counts and the server's warnings.
func (s *Source) listSeries(ctx context.Context, selector string, start, end time.Time) (labelCounts, []string, error) {
	form := url.Values{"match[]": {selector}, "start": {formatTime(start)}, "end": {formatTime(end)}}
	u := s.client.URL("/api/v1/series", nil)
	resp, err := s.send(ctx, http.MethodPost, u, form)
	if err == nil && resp.StatusCode == http.StatusMethodNotAllowed {
		resp.Body.Close()
		resp, err = s.send(ctx, http.MethodGet, u, form)
	}
	if err != nil {
		return labelCounts{}, nil, err
	}
	defer resp.Body.Close()
	if ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); ct != "application/json" && resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return labelCounts{}, nil, fmt.Errorf("server returned HTTP status %s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	body := io.Reader(resp.Body)
	if resp.Header.Get("Content-Encoding") == "gzip" {
		z, err := gzip.NewReader(resp.Body)
		if err != nil {
			return labelCounts{}, nil, fmt.Errorf("read gzipped answer: %w", err)
		}
		defer z.Close()
		body = z
	}
	c, e, err := decodeSeriesList(body)
	switch {
	case err != nil && resp.StatusCode/100 != 2:
		return c, e.warnings, fmt.Errorf("server returned HTTP status %s: %w", resp.Status, err)
	case err != nil:
		return c, e.warnings, fmt.Errorf("decode series answer: %w", err)
	case e.status != "success":
		return c, e.warnings, fmt.Errorf("%s: %s", e.errorType, e.error)
	}
	return c, e.warnings, nil
}

// decodeSeriesList reads a /api/v1/series answer from r as a stream into
// label counts; the envelope has its status, error and warnings.
func decodeSeriesList(r io.Reader) (labelCounts, envelope, error) {
	d := &scanner{r: r, buf: make([]byte, 0, 256<<10), line: 1}
	c := labelCounts{byName: map[string]map[string]int{}}
	var e envelope
	err := d.object(func(key []byte) error {
		var err error
		switch string(key) {
		case "status":
			e.status, err = d.str()
		case "errorType":
			e.errorType, err = d.str()
		case "error":
			e.error, err = d.str()
		case "warnings":
			if isNull, err := d.null(); err != nil || isNull {
				return err
			}
			return d.array(func(int) error {
				w, err := d.str()
				e.warnings = append(e.warnings, w)
				return err
			})
		case "data":
			if isNull, err := d.null(); err != nil || isNull {
				return err
			}
			return d.array(func(int) error {
				c.series++
				return d.object(func(name []byte) error {
					byValue := c.byName[string(name)]
					if byValue == nil {
						byValue = map[string]int{}
						c.byName[string(name)] = byValue
					}
					v, err := d.rawString()
					byValue[string(v)]++
					return err
				})
			})
		default:
			err = d.skip()
		}
		return err
	})
	if err != nil {
		var se *syntaxError
		if errors.As(err, &se) {
			return c, e, fmt.Errorf("line %d column %d (offset %d): decode JSON: %s", se.line, se.col, se.off, se.msg)
		}
		return c, e, err
	}
	for _, byValue := range c.byName { // a series without the label has it empty
		n := 0
		for _, k := range byValue {
			n += k
		}
		if n < c.series {
			byValue[""] += c.series - n
		}
	}
	return c, e, nil
}
