package prom

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/wattson-dev/wattson/detector"
)

// reference decodes a query_range matrix with encoding/json, as Parse did
// before it streamed: what decodeMatrix must agree with.
func reference(b []byte) ([]detector.Series, bool) {
	var r struct {
		Status string `json:"status"`
		Data   struct {
			ResultType string `json:"resultType"`
			Result     []struct {
				Metric map[string]string `json:"metric"`
				Values [][2]any          `json:"values"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &r); err != nil || r.Status != "success" || r.Data.ResultType != "matrix" || len(r.Data.Result) == 0 {
		return nil, false
	}
	var out []detector.Series
	for _, res := range r.Data.Result {
		s := detector.Series{Labels: res.Metric}
		if s.Labels == nil {
			s.Labels = map[string]string{}
		}
		for _, p := range res.Values {
			ts, ok1 := p[0].(float64)
			vs, ok2 := p[1].(string)
			v, err := strconv.ParseFloat(vs, 64)
			if !ok1 || !ok2 || err != nil || math.Abs(ts) > 1e15 {
				return nil, false
			}
			s.Times, s.Values = append(s.Times, int64(math.Round(ts))), append(s.Values, v)
		}
		if len(s.Times) == 0 {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

const escaped = `{"status":"success","warnings":["partial \"response\""],"data":{"result":[
{"values":[[1760000000,"1e3"],[1760000060.4,"+Inf"]],"metric":{"job":"a\\b\/c\u00e9\ud83d\ude00","x":"\n"},"histograms":[[1,{"count":"1"}]]},
{"metric":{},"values":[[5,"-0.25"]]}],"resultType":"matrix","stats":{"a":[1,2.5e-3,true,null]}}}`

// TestDecodeAcrossReads: a response read a byte at a time (every token
// cut across reads) decodes as one read whole, and as encoding/json reads
// it; keys come in any order and unknown ones are skipped.
func TestDecodeAcrossReads(t *testing.T) {
	for _, in := range []string{matrix, escaped} {
		whole, err := decodeMatrix(strings.NewReader(in), decodeOptions{dropEmpty: true})
		if err != nil {
			t.Fatal(err)
		}
		bytewise, err := decodeMatrix(iotest.OneByteReader(strings.NewReader(in)), decodeOptions{dropEmpty: true})
		if err != nil {
			t.Fatal(err)
		}
		if !equalSeries(whole.series, bytewise.series) || !reflect.DeepEqual(whole.warnings, bytewise.warnings) || whole.bytes != bytewise.bytes {
			t.Errorf("byte by byte:\n%+v\nwhole:\n%+v", bytewise, whole)
		}
		ref, ok := reference([]byte(in))
		if !ok || !equalSeries(whole.series, ref) {
			t.Errorf("decoded %+v\nencoding/json %+v", whole.series, ref)
		}
		if whole.bytes != int64(len(in)) {
			t.Errorf("read %d bytes of %d", whole.bytes, len(in))
		}
	}
	e, _ := decodeMatrix(strings.NewReader(escaped), decodeOptions{})
	if e.series[0].Labels["job"] != "a\\b/cé😀" || len(e.warnings) != 1 || e.warnings[0] != `partial "response"` {
		t.Errorf("labels %q, warnings %q", e.series[0].Labels, e.warnings)
	}
}

// TestDecodeNulls: null where a list or object goes is empty, as
// encoding/json reads it (a Go server encodes an empty result so).
func TestDecodeNulls(t *testing.T) {
	for _, in := range []string{
		`{"status":"success","data":{"resultType":"matrix","result":null}}`,
		`{"status":"success","warnings":null,"data":{"resultType":"matrix","result":[{"metric":null,"values":null}]}}`,
	} {
		e, err := decodeMatrix(strings.NewReader(in), decodeOptions{dropEmpty: true})
		if err != nil || e.status != "success" || len(e.series) != 0 {
			t.Errorf("%s: %+v, %v", in, e, err)
		}
	}
}

// TestDecodeLimit: the point limit stops decoding once it is passed.
func TestDecodeLimit(t *testing.T) {
	_, err := decodeMatrix(strings.NewReader(matrix), decodeOptions{maxPoints: 3})
	if err == nil || !strings.Contains(err.Error(), "more than the limit of 3 points") {
		t.Errorf("err = %v", err)
	}
}

func equalSeries(a, b []detector.Series) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !reflect.DeepEqual(a[i].Labels, b[i].Labels) || !reflect.DeepEqual(a[i].Times, b[i].Times) || len(a[i].Values) != len(b[i].Values) {
			return false
		}
		for k := range a[i].Values {
			if x, y := a[i].Values[k], b[i].Values[k]; x != y && !(math.IsNaN(x) && math.IsNaN(y)) {
				return false
			}
		}
	}
	return true
}

// FuzzDecodeMatchesEncodingJSON: whatever the stream decoder accepts is
// valid JSON and decodes to what encoding/json gives.
func FuzzDecodeMatchesEncodingJSON(f *testing.F) {
	for _, tt := range parseTests {
		f.Add([]byte(tt.in))
	}
	f.Add([]byte(escaped))
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := Parse(in)
		if err != nil {
			return
		}
		if !json.Valid(in) {
			t.Fatalf("accepted invalid JSON %q", in)
		}
		// encoding/json matches keys ignoring case and lets a repeated
		// key win; compare only where neither happens.
		lower := bytes.ToLower(in)
		plain := true
		for _, k := range []string{`"status"`, `"data"`, `"resultType"`, `"result"`, `"metric"`, `"values"`} {
			plain = plain && bytes.Count(lower, bytes.ToLower([]byte(k))) == bytes.Count(in, []byte(k))
		}
		if plain && bytes.Count(in, []byte(`"metric"`)) == len(got) && bytes.Count(in, []byte(`"values"`)) == len(got) {
			if ref, ok := reference(in); ok && !equalSeries(got, ref) {
				t.Fatalf("decoded %+v, encoding/json %+v", got, ref)
			}
		}
	})
}

// TestParseDecimal: the fast path gives ParseFloat's value, bit for bit,
// or leaves the text to it.
func TestParseDecimal(t *testing.T) {
	for _, in := range []string{"0", "1", "-1", "1.5", "0.1", "0.30000000000000004", "123456789012345", "1234567890123456",
		"0.000001", "-0.0", "00012.5000", "3.14159265358979", "1e3", "NaN", "+Inf", "", "-", ".", "1.", ".5", "1.2.3", "+1"} {
		got, ok := parseDecimal([]byte(in))
		want, err := strconv.ParseFloat(in, 64)
		if ok && (err != nil || math.Float64bits(got) != math.Float64bits(want)) {
			t.Errorf("parseDecimal(%q) = %v, ParseFloat %v (%v)", in, got, want, err)
		}
	}
}

// FuzzParseDecimal: the fast path agrees with ParseFloat wherever it
// answers.
func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"1.5", "-0.25", "123456789012345", "0.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, ok := parseDecimal([]byte(in))
		if !ok {
			return
		}
		want, err := strconv.ParseFloat(in, 64)
		if err != nil || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("parseDecimal(%q) = %v, ParseFloat %v (%v)", in, got, want, err)
		}
	})
}

// TestFastPointMatchesGeneralPath: a point as Prometheus writes it
// (decoded by fastPoint) and the same point with spaces around its
// tokens (decoded the general way) give the same time and value bits, or
// are both refused.
func TestFastPointMatchesGeneralPath(t *testing.T) {
	values := []string{"0", "1", "-1", "1.5", "0.1", "0.30000000000000004", "123456789012345", "1234567890123456",
		"0.000001", "-0.0", "00012.5000", "3.14159265358979", "1e3", "NaN", "+Inf", "-Inf", "", "-", ".", "1.", ".5",
		"1.2.3", "+1", `1\u0030`, "1.0487462812345678901234"}
	times := []string{"0", "1760000000", "01", "1760000000.5", "123456789012345", "1234567890123456", "-5", "1e9"}
	decode := func(point string) (int64, float64, error) {
		// trailing spaces keep fastPoint's look-ahead inside the input
		body := `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[` + point + `]}]}}` + strings.Repeat(" ", 2*fastPointLen)
		s, err := Parse([]byte(body))
		if err != nil {
			return 0, 0, err
		}
		return s[0].Times[0], s[0].Values[0], nil
	}
	for _, ts := range times {
		for _, v := range values {
			fastT, fastV, fastErr := decode(`[` + ts + `,"` + v + `"]`)
			slowT, slowV, slowErr := decode(`[ ` + ts + ` , "` + v + `" ]`)
			if (fastErr == nil) != (slowErr == nil) || fastT != slowT || math.Float64bits(fastV) != math.Float64bits(slowV) {
				t.Errorf("[%s,%q]: compact %d %v (%v), spaced %d %v (%v)", ts, v, fastT, fastV, fastErr, slowT, slowV, slowErr)
			}
		}
	}
}
