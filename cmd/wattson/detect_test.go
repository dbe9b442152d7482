package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// stepValues is n points of unit gaussian noise around 100 that step up by
// shift at index at, deterministic in seed.
func stepValues(n, at int, shift float64, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	v := make([]float64, n)
	for i := range v {
		v[i] = 100 + r.NormFloat64()
		if i >= at {
			v[i] += shift
		}
	}
	return v
}

// promFile renders one query_range matrix series with a 300 s step.
func promFile(labels string, start int64, v []float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":%s,"values":[`, labels)
	for i, x := range v {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `[%d,"%g"]`, start+int64(i)*300, x)
	}
	b.WriteString(`]}]}}`)
	return b.String()
}

// csvFile renders a time,value CSV with a header and a 300 s step.
func csvFile(start int64, v []float64) string {
	var b strings.Builder
	b.WriteString("time,value\n")
	for i, x := range v {
		fmt.Fprintf(&b, "%d,%g\n", start+int64(i)*300, x)
	}
	return b.String()
}

// tcpdFile renders a TCPD dataset without times.
func tcpdFile(name string, v []float64) string {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	ib, _ := json.Marshal(idx)
	vb, _ := json.Marshal(v)
	return fmt.Sprintf(`{"name":%q,"longname":%q,"n_obs":%d,"n_dim":1,"time":{"index":%s},"series":[{"label":"V1","type":"float","raw":%s}]}`,
		name, name, len(v), ib, vb)
}

func TestDetectJSONShape(t *testing.T) {
	const start = 1_760_000_000
	// changesShape is the documented --format json output with one change:
	// exactly these keys, in this order.
	changesShape := regexp.MustCompile(`^\{"changes":\[\{"labels":\{("[^"]*":"[^"]*",?)*\},"index":\d+,"time":"[^"]*",` +
		`"direction":"(up|down)","before":[-+.e\d]+,"after":[-+.e\d]+,"pct":[-+.e\d]+,"confidence":[-+.e\d]+,"regression":(true|false)\}\]\}\n$`)
	v := stepValues(400, 200, 10, 1)
	tests := []struct {
		name, file, body string
		labels           map[string]string
		time             string
	}{
		{"prom", "s.json", promFile(`{"job":"api"}`, start, v), map[string]string{"job": "api"}, "2025-10-10T01:33:20Z"},
		{"csv", "cpu.csv", csvFile(start, v), map[string]string{"series": "cpu"}, "2025-10-10T01:33:20Z"},
		{"tcpd", "d.json", tcpdFile("demo", v), map[string]string{"dataset": "demo"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, tt.file, tt.body)
			out, errOut, code := runCmd(t, nil, "detect", "--input", p, "--format", "json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			// The documented contract: exactly these keys, in this order.
			var raw struct {
				Changes []map[string]json.RawMessage `json:"changes"`
			}
			if err := json.Unmarshal([]byte(out), &raw); err != nil {
				t.Fatalf("output %q is not JSON: %v", out, err)
			}
			if len(raw.Changes) != 1 {
				t.Fatalf("got %d changes, want 1: %s", len(raw.Changes), out)
			}
			if !changesShape.MatchString(out) {
				t.Errorf("output %q does not have the documented shape", out)
			}
			var c struct {
				Labels     map[string]string `json:"labels"`
				Index      int               `json:"index"`
				Time       string            `json:"time"`
				Direction  string            `json:"direction"`
				Before     float64           `json:"before"`
				After      float64           `json:"after"`
				Pct        float64           `json:"pct"`
				Confidence float64           `json:"confidence"`
				Regression bool              `json:"regression"`
			}
			b, _ := json.Marshal(raw.Changes[0])
			if err := json.Unmarshal(b, &c); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.Labels, tt.labels) || c.Index != 200 || c.Time != tt.time || c.Direction != "up" || !c.Regression {
				t.Errorf("change %+v, want labels %v, index 200, time %q, up, a regression", c, tt.labels, tt.time)
			}
			if math.Abs(c.Before-100) > 0.5 || math.Abs(c.After-110) > 0.5 || math.Abs(c.Pct-10) > 0.6 || c.Confidence < 0.99 {
				t.Errorf("levels %.2f -> %.2f (%.2f%%) confidence %.3f, want 100 -> 110 (10%%), confident", c.Before, c.After, c.Pct, c.Confidence)
			}
		})
	}
}

func TestDetectNoChangeJSON(t *testing.T) {
	p := writeFile(t, "flat.csv", csvFile(1_760_000_000, stepValues(300, 0, 0, 2)))
	out, errOut, code := runCmd(t, nil, "detect", "--input", p, "--format", "json")
	if code != 0 || out != "{\"changes\":[]}\n" {
		t.Errorf("exit %d, stdout %q, stderr %q; want {\"changes\":[]}", code, out, errOut)
	}
}

func TestDetectText(t *testing.T) {
	p := writeFile(t, "cpu.csv", csvFile(1_760_000_000, stepValues(400, 200, 10, 3)))
	out, errOut, code := runCmd(t, nil, "detect", "--input", p)
	if code != 0 || !strings.Contains(out, `{series="cpu"} 2025-10-10T01:33:20Z index=200 up`) ||
		!strings.Contains(out, "REGRESSION") || !strings.HasSuffix(out, "1 changes in 1 series\n") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestDetectUsage(t *testing.T) {
	p := writeFile(t, "cpu.csv", csvFile(1_760_000_000, stepValues(50, 0, 0, 4)))
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"detect"}, "give --input FILE or --prometheus URL"},
		{[]string{"detect", "--input", p, "--format", "yaml"}, `--format must be text or json, got "yaml"`},
		{[]string{"detect", "--input", p, "--prometheus", "http://x"}, "not both"},
		{[]string{"detect", "--prometheus", "http://x"}, "--prometheus needs --query and --start"},
		{[]string{"detect", "--input", p, "extra"}, `unexpected argument "extra"`},
		{[]string{"detect", "--input", p, "--input-format", "xml"}, `--input-format must be prom, csv or tcpd, got "xml"`},
		{[]string{"detect", "--no-such-flag"}, "flag provided but not defined"},
		{[]string{"detect", "--profiles", "p"}, "--profiles and --service go together"},
		{[]string{"detect", "--service", "s", "--requests", "r.json"}, "--profiles and --service go together"},
		{[]string{"detect", "--profiles", "p", "--service", "s", "--input", p}, "give --profiles or --input/--prometheus, not both"},
	}
	for _, tt := range tests {
		_, errOut, code := runCmd(t, nil, tt.args...)
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("wattson %v: exit %d, stderr %q; want exit 2 mentioning %q", tt.args, code, errOut, tt.want)
		}
	}
}

func TestDetectMalformedInput(t *testing.T) {
	tests := []struct {
		name, file, body string
		want             []string
	}{
		{"csv bad value", "bad.csv", "time,value\n1760000000,1\n1760000300,abc\n", []string{"bad.csv", "line 3", `"abc" is not a number`}},
		{"csv no header", "nohead.csv", "1760000000,1\n", []string{"nohead.csv", "line 1", "header"}},
		{"json syntax", "bad.json", "{\"status\":\"success\",\n\"data\": {,}}", []string{"bad.json", "line 2", "column"}},
		{"prom bad point", "pt.json", `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2,"x"]]}]}}`,
			[]string{"pt.json", "series 0 point 1", `"x" is not a number`}},
		{"empty", "empty.json", "", []string{"empty.json", "empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, tt.file, tt.body)
			out, errOut, code := runCmd(t, nil, "detect", "--input", p, "--format", "json")
			if code != 1 || out != "" {
				t.Errorf("exit %d, stdout %q; want exit 1 and no output", code, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q does not mention %q", errOut, w)
				}
			}
		})
	}
}

func TestDetectMissingFile(t *testing.T) {
	_, errOut, code := runCmd(t, nil, "detect", "--input", "/nonexistent/dir/x.json")
	if code != 1 || !strings.Contains(errOut, "/nonexistent/dir/x.json") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestDetectReportsSkippedAndEmptyData(t *testing.T) {
	v := stepValues(400, 200, 10, 5)
	v[7], v[9] = math.NaN(), math.Inf(1)
	p := writeFile(t, "nan.csv", csvFile(1_760_000_000, v))
	out, errOut, code := runCmd(t, nil, "detect", "--input", p)
	if code != 0 || !strings.Contains(out, "1 changes in 1 series") ||
		!strings.Contains(errOut, p+`: series {series="nan"}: skipped 2 of 400 points that are NaN or Inf, at index 7, 9`) {
		t.Errorf("NaN/Inf points: exit %d, stdout %q, stderr %q; want the change and a note naming file, series and indexes", code, out, errOut)
	}
	all := make([]float64, 50)
	for i := range all {
		all[i] = math.NaN()
	}
	p = writeFile(t, "allnan.csv", csvFile(1_760_000_000, all))
	out, errOut, code = runCmd(t, nil, "detect", "--input", p)
	if code != 1 || out != "" || !strings.Contains(errOut, p+": no usable data") {
		t.Errorf("all NaN: exit %d, stdout %q, stderr %q; want exit 1 saying there is no usable data", code, out, errOut)
	}
}

func TestDetectMaxPoints(t *testing.T) {
	v := stepValues(400, 200, 10, 6)
	for _, p := range []string{writeFile(t, "big.csv", csvFile(1_760_000_000, v)), writeFile(t, "big.json", promFile(`{"job":"api"}`, 1_760_000_000, v))} {
		out, errOut, code := runCmd(t, nil, "detect", "--input", p, "--max-points", "100")
		if code != 1 || out != "" || !strings.Contains(errOut, p) || !strings.Contains(errOut, "more than the limit of 100") || !strings.Contains(errOut, "--max-points") {
			t.Errorf("%s over --max-points: exit %d, stdout %q, stderr %q", p, code, out, errOut)
		}
		if _, errOut, code := runCmd(t, nil, "detect", "--input", p, "--max-points", "400"); code != 0 {
			t.Errorf("%s at --max-points: exit %d, stderr %q", p, code, errOut)
		}
	}
	for _, flag := range []string{"--max-points", "--max-samples"} {
		if _, errOut, code := runCmd(t, nil, "detect", "--input", "x.csv", flag, "0"); code != 2 || !strings.Contains(errOut, flag+" must be positive") {
			t.Errorf("%s 0: exit %d, stderr %q", flag, code, errOut)
		}
	}
}

func TestDetectStopsWhenCancelled(t *testing.T) {
	p := writeFile(t, "cpu.csv", csvFile(1_760_000_000, stepValues(400, 200, 10, 7)))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	err := run(ctx, []string{"detect", "--input", p}, envMap(nil), strings.NewReader(""), &out, &errb)
	if !errors.Is(err, context.Canceled) || out.Len() != 0 {
		t.Errorf("cancelled detect: err %v, stdout %q; want context.Canceled and no output", err, out.String())
	}
}
