package yamlconf

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

type conf struct {
	Name  string `yaml:"name"`
	Inner struct {
		N    int      `yaml:"count"`
		URLs []string `yaml:"urls"`
	} `yaml:"inner"`
}

var decodeCases = []struct{ doc, want string }{
	{"", ""},
	{"name: x\ninner:\n  count: 2\n", ""},
	{"name: x\nnmae: y\n", `line 2: unknown key "nmae"`},
	{"inner:\n  count: many\n  m: 1\n", `line 3: unknown key "m"`},
	{"name: [\n", "parse YAML"},
}

func TestDecode(t *testing.T) {
	for _, tt := range decodeCases {
		c := conf{Name: "default"}
		err := Decode(strings.NewReader(tt.doc), &c)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("Decode(%q) = %v", tt.doc, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("Decode(%q) = %v, want an error mentioning %q", tt.doc, err, tt.want)
		}
		if tt.doc == "" && c.Name != "default" {
			t.Errorf("an empty document changed the defaults: %+v", c)
		}
	}
}

func TestNode(t *testing.T) {
	var c conf
	c.Name = "a"
	c.Inner.URLs = []string{"b", "a"}
	n, err := Node(c, func(s string) string {
		if s == "a" {
			return "A"
		}
		return s
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := yaml.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	if want := "name: A\ninner:\n    count: 0\n    urls:\n        - b\n        - A\n"; string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	if c.Inner.URLs[1] != "a" {
		t.Errorf("Node changed its argument: %v", c.Inner.URLs)
	}
}

func FuzzDecode(f *testing.F) {
	for _, tt := range decodeCases {
		f.Add(tt.doc)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		var c conf
		_ = Decode(strings.NewReader(doc), &c) // must not panic
	})
}
