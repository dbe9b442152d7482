package prom

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const matrix = `{"status":"success","data":{"resultType":"matrix","result":[
{"metric":{"__name__":"cpu","service":"api"},"values":[[1760000000,"1.5"],[1760000300,"2"],[1760000600,"NaN"]]},
{"metric":{"service":"db"},"values":[[1760000000.5,"3"]]}]}}`

var parseTests = []struct {
	name    string
	in      string
	wantErr string
}{
	{name: "matrix", in: matrix},
	{name: "empty", in: "", wantErr: "empty input"},
	{name: "syntax", in: "{\"status\":\"success\",\n\"data\":{]}", wantErr: "line 2 column"},
	{name: "error status", in: `{"status":"error","errorType":"bad_data","error":"parse error"}`, wantErr: `status "error": bad_data parse error`},
	{name: "vector", in: `{"status":"success","data":{"resultType":"vector","result":[]}}`, wantErr: `result type "vector"`},
	{name: "no series", in: `{"status":"success","data":{"resultType":"matrix","result":[]}}`, wantErr: "no series"},
	{name: "no points", in: `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[]}]}}`, wantErr: "series 0 {} has no points"},
	{name: "bad value", in: `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2,"x"]]}]}}`, wantErr: `series 0 point 1: value "x"`},
	{name: "unquoted value", in: `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,1]]}]}}`, wantErr: "series 0 point 0: value 1 is not a quoted number"},
	{name: "bad pair", in: `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1]]}]}}`, wantErr: "series 0 point 0: want [time"},
	{name: "backwards", in: `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[2,"1"],[1,"1"]]}]}}`, wantErr: "series 0 point 1: time 1 is not after"},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(s) != 2 || s[0].Labels["service"] != "api" || len(s[0].Values) != 3 || s[1].Times[0] != 1760000001 {
				t.Errorf("got %+v", s)
			}
		})
	}
}

func TestReadFileNamesFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "range.json")
	if err := os.WriteFile(p, []byte(`{"status":"success"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(p); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("err = %v, want it to name %s", err, p)
	}
}

func TestFileSourceCuts(t *testing.T) {
	p := filepath.Join(t.TempDir(), "range.json")
	if err := os.WriteFile(p, []byte(matrix), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := FileSource{Path: p}.Query(context.Background(), "ignored", time.Unix(1760000300, 0), time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(s[0].Times) != 2 || s[0].Times[0] != 1760000300 || len(s[1].Times) != 0 {
		t.Errorf("got %+v", s)
	}
}

// TestSourceQuery runs Source against a fake server that speaks the
// /api/v1/query_range wire protocol (form-encoded POST, JSON envelope).
func TestSourceQuery(t *testing.T) {
	var got map[string]string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/query_range" {
			http.NotFound(w, r)
			return
		}
		if err := r.ParseForm(); err != nil {
			t.Errorf("parse form: %v", err)
		}
		got = map[string]string{"query": r.Form.Get("query"), "start": r.Form.Get("start"), "end": r.Form.Get("end"), "step": r.Form.Get("step")}
		w.Header().Set("Content-Type", "application/json")
		if r.Form.Get("query") == "bad(" {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"status":"error","errorType":"bad_data","error":"1:5: parse error: unclosed left parenthesis"}`))
			return
		}
		w.Write([]byte(matrix))
	}))
	t.Cleanup(srv.Close)
	src, err := New(srv.URL, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	start, end := time.Unix(1760000000, 0), time.Unix(1760000600, 0)
	s, err := src.Query(ctx, `rate(cpu[5m])`, start, end, 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if got["query"] != "rate(cpu[5m])" || got["start"] != "1760000000" || got["end"] != "1760000600" || got["step"] != "300" {
		t.Errorf("request %v", got)
	}
	if len(s) != 2 || s[0].Labels["__name__"] != "cpu" || s[0].Times[1] != 1760000300 || s[0].Values[1] != 2 {
		t.Errorf("series %+v", s)
	}
	if _, err := src.Query(ctx, "bad(", start, end, time.Minute); err == nil || !strings.Contains(err.Error(), "unclosed left parenthesis") {
		t.Errorf("err = %v, want the server's message", err)
	}
	if _, err := src.Query(ctx, "x", start, end, 0); err == nil {
		t.Error("zero step accepted")
	}
}

func TestEmptyIsErrEmpty(t *testing.T) {
	if _, err := Parse(nil); !errors.Is(err, ErrEmpty) {
		t.Errorf("err = %v, want ErrEmpty", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		series, err := Parse(in)
		if err != nil {
			return
		}
		for _, s := range series {
			if len(s.Values) == 0 || len(s.Times) != len(s.Values) {
				t.Fatalf("accepted %d values, %d times", len(s.Values), len(s.Times))
			}
		}
	})
}
