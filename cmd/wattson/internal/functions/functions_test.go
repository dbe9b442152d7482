package functions

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/detector/funcsynth"
)

// writeService writes one generated service's profiles under dir and
// returns its case.
func writeService(t *testing.T, dir string, c funcsynth.Case, points int) funcsynth.Case {
	t.Helper()
	ps, _ := funcsynth.Service(funcsynth.Config{Seed: 3, Points: points}, &c, 0)
	if err := os.MkdirAll(filepath.Join(dir, c.Service), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		f, err := os.Create(filepath.Join(dir, c.Service, time.Unix(0, p.TimeNanos).UTC().Format(time.RFC3339)+".pb.gz"))
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Write(f); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	return c
}

func TestDetectJSON(t *testing.T) {
	dir := t.TempDir()
	c := writeService(t, dir, funcsynth.Case{Service: "checkout", Kind: funcsynth.KindStep, ServicePct: 2}, 200)
	deploys := filepath.Join(t.TempDir(), "deploys.jsonl")
	line := `{"time":"` + c.Time.Add(-time.Minute).Format(time.RFC3339) + `","revision":"0123456789abcdef0123456789abcdef01234567","version":"v42","environment":"prod"}` + "\n"
	if err := os.WriteFile(deploys, []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := Detect(context.Background(), Input{Profiles: dir, Service: "checkout", Deploys: deploys}, "json", &out, &errOut); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Changes []struct {
			Function   string    `json:"function"`
			Time       time.Time `json:"time"`
			Direction  string    `json:"direction"`
			Pct        float64   `json:"pct"`
			ServicePct float64   `json:"service_pct"`
			Deploy     string    `json:"deploy"`
		} `json:"changes"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out.String())
	}
	if len(got.Changes) != 1 {
		t.Fatalf("%d changes, want the one in %s: %s", len(got.Changes), c.Function, out.String())
	}
	ch := got.Changes[0]
	if ch.Function != c.Function || ch.Direction != "up" || ch.Pct <= 0 || ch.ServicePct < 1 || ch.ServicePct > 3 || ch.Deploy != "v42" {
		t.Errorf("change %+v; want %s up by about 2%% of the service, deploy v42", ch, c.Function)
	}
	if d := ch.Time.Sub(c.Time); d < -time.Hour || d > time.Hour {
		t.Errorf("change at %s, planted at %s", ch.Time, c.Time)
	}
	out.Reset()
	if err := Detect(context.Background(), Input{Profiles: dir, Service: "checkout"}, "text", &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), c.Function+" up at") {
		t.Errorf("text output %q does not name %s", out.String(), c.Function)
	}
}

func TestDetectBadInput(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "svc"), 0o755); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "svc", "2026-01-05T00:00:00Z.pb.gz")
	if err := os.WriteFile(bad, []byte("not a profile"), 0o644); err != nil {
		t.Fatal(err)
	}
	writeService(t, dir, funcsynth.Case{Service: "ok", Kind: funcsynth.KindNone}, 3)
	if err := os.MkdirAll(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	reqs := filepath.Join(t.TempDir(), "requests.json")
	if err := os.WriteFile(reqs, []byte(`{"status":"success","data":{"resultType":"matrix","result":[]}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   Input
		want string
	}{
		{"no such service", Input{Profiles: dir, Service: "nope"}, "no directory"},
		{"bad service name", Input{Profiles: dir, Service: "../x"}, `bad service name "../x"`},
		{"a file that is no profile", Input{Profiles: dir, Service: "svc"}, bad},
		{"an empty directory", Input{Profiles: dir, Service: "empty"}, "no profiles of empty in " + dir},
		{"requests without the series", Input{Profiles: dir, Service: "ok", Requests: reqs}, "result has no series"},
		{"no requests file", Input{Profiles: dir, Service: "ok", Requests: reqs + ".missing"}, "--requests"},
		{"no deploy log", Input{Profiles: dir, Service: "ok", Deploys: reqs + ".missing"}, "--deploys"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := Detect(context.Background(), tt.in, "json", &out, &out)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestConfigCheck(t *testing.T) {
	good := Config{Endpoints: []string{"http://10.0.0.7:6060"}, Schedule: "@every 10m"}
	tests := []struct {
		name string
		edit func(c *Config)
		want string // "" for no error
	}{
		{"good", func(*Config) {}, ""},
		{"no endpoints", func(c *Config) { c.Endpoints = nil }, "svc.functions.endpoints: at least one"},
		{"bad endpoint", func(c *Config) { c.Endpoints = []string{"ftp://x"} }, "svc.functions.endpoints[0]"},
		{"no schedule", func(c *Config) { c.Schedule = "" }, "svc.functions.schedule"},
		{"bad zone", func(c *Config) { c.TimeZone = "Mars/Olympus" }, "svc.functions.schedule"},
		{"negative", func(c *Config) { c.MinPoints = -1 }, "must not be negative"},
		{"lookback shorter than two profiles", func(c *Config) { c.Lookback = 15 * time.Second }, "svc.functions.lookback"},
		{"pyroscope", func(c *Config) {
			c.Endpoints, c.Pyroscope, c.Selector = nil, "http://pyro:4040", `{service_name="shop"}`
		}, ""},
		{"pyroscope and endpoints", func(c *Config) { c.Pyroscope, c.Selector = "http://pyro:4040", `{service_name="shop"}` }, "not both"},
		{"pyroscope without a selector", func(c *Config) { c.Endpoints, c.Pyroscope = nil, "http://pyro:4040" }, "svc.functions.selector: want a label selector"},
		{"selector without pyroscope", func(c *Config) { c.Selector = `{service_name="shop"}` }, "only with pyroscope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.edit(&c)
			errs := c.Check("svc.functions")
			switch {
			case tt.want == "" && len(errs) > 0:
				t.Errorf("errors %v, want none", errs)
			case tt.want != "" && (len(errs) == 0 || !strings.Contains(errs[0].Error(), tt.want)):
				t.Errorf("errors %v, want one mentioning %q", errs, tt.want)
			}
		})
	}
}
