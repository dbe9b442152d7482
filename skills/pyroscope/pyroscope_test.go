package pyroscope

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/pprof/profile"
	"google.golang.org/protobuf/encoding/protowire"
)

// request is a decoded SelectMergeProfileRequest.
type request struct {
	typeID, selector string
	start, end       int64
}

func decode(t *testing.T, b []byte) request {
	t.Helper()
	var r request
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			t.Fatalf("bad tag: %v", protowire.ParseError(n))
		}
		b = b[n:]
		switch typ {
		case protowire.BytesType:
			v, n := protowire.ConsumeString(b)
			b = b[n:]
			switch num {
			case 1:
				r.typeID = v
			case 2:
				r.selector = v
			}
		case protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			b = b[n:]
			switch num {
			case 3:
				r.start = int64(v)
			case 4:
				r.end = int64(v)
			}
		default:
			t.Fatalf("unexpected wire type %v", typ)
		}
	}
	return r
}

// rawProfile is a CPU profile as Pyroscope answers: profile.proto, not
// gzipped.
func rawProfile(t testing.TB) []byte {
	t.Helper()
	fn := &profile.Function{ID: 1, Name: "main.computePrice", Filename: "pricing.go"}
	loc := &profile.Location{ID: 1, Line: []profile.Line{{Function: fn, Line: 4}}}
	p := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "cpu", Unit: "nanoseconds"}},
		PeriodType: &profile.ValueType{Type: "cpu", Unit: "nanoseconds"}, Period: 10_000_000,
		Function: []*profile.Function{fn}, Location: []*profile.Location{loc},
		Sample: []*profile.Sample{{Location: []*profile.Location{loc}, Value: []int64{70_000_000}}},
	}
	var gz bytes.Buffer
	if err := p.Write(&gz); err != nil {
		t.Fatal(err)
	}
	r, err := gzip.NewReader(&gz)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestFetchAsksForTheMergedCPUProfile(t *testing.T) {
	raw := rawProfile(t)
	var got request
	var tenant string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/pyro/querier.v1.QuerierService/SelectMergeProfile" ||
			r.Header.Get("Content-Type") != "application/proto" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"code":"unimplemented","message":"no such procedure"}`)
			return
		}
		body, _ := io.ReadAll(r.Body)
		got, tenant = decode(t, body), r.Header.Get("X-Scope-OrgID")
		w.Header().Set("Content-Type", "application/proto")
		w.Write(raw)
	}))
	defer srv.Close()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c, err := New(srv.URL+"/pyro", srv.Client(), func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	c.Tenant = "team-a"
	p, err := c.Fetch(context.Background(), `{service_name="shop"}`, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	want := request{ProfileTypeCPU, `{service_name="shop"}`, now.Add(-10 * time.Second).UnixMilli(), now.UnixMilli()}
	if got != want || tenant != "team-a" {
		t.Errorf("request %+v tenant %q, want %+v team-a", got, tenant, want)
	}
	if len(p.Sample) != 1 || p.Sample[0].Location[0].Line[0].Function.Name != "main.computePrice" {
		t.Errorf("profile %v", p)
	}
}

func TestFetchErrors(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"connect error", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"code":"invalid_argument","message":"parse error at line 1"}`)
		}, "400 Bad Request: invalid_argument parse error at line 1"},
		{"not a profile", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html>login</html>") }, "parse profile"},
		{"no samples", func(w http.ResponseWriter, r *http.Request) {}, `no samples of {service_name="shop"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			c, _ := New(srv.URL, srv.Client(), time.Now)
			_, err := c.Fetch(context.Background(), `{service_name="shop"}`, time.Minute)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err %v, want one mentioning %q", err, tt.want)
			}
		})
	}
	if _, err := New("ftp://x", http.DefaultClient, time.Now); err == nil {
		t.Error("an ftp base URL was taken")
	}
}

func FuzzParseAnswer(f *testing.F) {
	f.Add(200, []byte{})
	f.Add(200, []byte("<html>login</html>"))
	f.Add(400, []byte(`{"code":"invalid_argument","message":"parse error"}`))
	f.Add(200, rawProfile(f))
	f.Fuzz(func(t *testing.T, code int, data []byte) {
		p, err := parseAnswer(code, "status", data)
		if err == nil && p != nil && len(p.Sample) == 0 {
			t.Error("a profile without samples was returned")
		}
		if code != http.StatusOK && err == nil {
			t.Errorf("status %d taken for an answer", code)
		}
	})
}
