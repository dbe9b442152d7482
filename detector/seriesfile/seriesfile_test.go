package seriesfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
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
	if _, err := Read(write("b.csv", "time,value\n"), "yaml"); !errors.Is(err, ErrFormat) {
		t.Errorf("Read in an unknown format: %v, want ErrFormat", err)
	}
	ss, err := Read(write("c.csv", "time,value\n2025-01-01T00:00:00Z,1\n2025-01-01T00:01:00Z,2\n"), "")
	if err != nil || len(ss) != 1 || len(ss[0].Values) != 2 {
		t.Errorf("Read(csv) = %+v, %v; want one series of two points", ss, err)
	}
}
