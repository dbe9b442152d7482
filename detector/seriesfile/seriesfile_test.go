package seriesfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/detector"
)

func TestSniffAndRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tt := range []struct {
		name, body, want string
	}{
		{"a.csv", "time,value\n2025-01-01T00:00:00Z,1\n", CSV},
		{"a.txt", "time,value\n2025-01-01T00:00:00Z,1\n", CSV},
		{"a.json", `{"name":"x","n_obs":2,"time":{"index":[0,1]},"series":[{"raw":[1,2]}]}`, TCPD},
		{"q.json", `{"status":"success","data":{"resultType":"matrix","result":[]}}`, Prom},
	} {
		got, err := Sniff(write(tt.name, tt.body))
		if err != nil || got != tt.want {
			t.Errorf("Sniff(%s) = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
	if _, err := Sniff(write("empty.json", "  \n")); err == nil {
		t.Error("an empty file sniffed without an error")
	}
	if _, err := Read(write("b.csv", "time,value\n"), "yaml", 0); !errors.Is(err, ErrFormat) {
		t.Errorf("Read in an unknown format: %v, want ErrFormat", err)
	}
	ss, err := Read(write("c.csv", "time,value\n2025-01-01T00:00:00Z,1\n2025-01-01T00:01:00Z,2\n"), "", 0)
	if err != nil || len(ss) != 1 || len(ss[0].Values) != 2 {
		t.Errorf("Read(csv) = %+v, %v; want one series of two points", ss, err)
	}
}

func TestReadRefusesMorePointsThanTheLimit(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a.csv":  "time,value\n1,1\n2,2\n3,3\n",
		"q.json": `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2,"2"]]},{"metric":{"a":"b"},"values":[[1,"1"]]}]}}`,
		"t.json": `{"name":"x","n_obs":3,"time":{"index":[0,1,2]},"series":[{"raw":[1,2,3]}]}`,
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Read(p, "", 2); !errors.Is(err, detector.ErrTooManyPoints) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s with a limit of 2: %v, want ErrTooManyPoints naming the file", name, err)
		}
		if _, err := Read(p, "", 3); err != nil {
			t.Errorf("%s with a limit of 3: %v", name, err)
		}
	}
}
