package endpoint

import (
	"strings"
	"testing"
)

var web = []string{"http", "https"}

func TestCheckURL(t *testing.T) {
	tests := []struct {
		raw     string
		schemes []string
		want    string // substring of the error; empty: valid
	}{
		{"http://prom:9090", web, ""},
		{"https://user:pw@llm.example/v1?x=1", web, ""},
		{"HTTPS://slack.com/api/", web, ""},
		{"http://[::1]:8080/", web, ""},
		{"rediss://:pw@r:6380/0", []string{"redis", "rediss", "unix"}, ""},
		{"unix:///run/redis.sock", []string{"redis", "rediss", "unix"}, ""},
		{"ftp://p:21", web, "scheme ftp not allowed (want http or https)"},
		{"http://r:6379", []string{"redis", "rediss", "unix"}, "scheme http not allowed (want redis, rediss or unix)"},
		{"unix://", []string{"unix"}, "path"},
		{"localhost:9090", web, "not an absolute URL"},
		{"prom/api", web, "not an absolute URL"},
		{"", web, "not an absolute URL"},
		{"http://a b:9090", web, "invalid character"},
		{":x", web, "missing protocol scheme"},
		{"http://p:99999", web, "port 99999"},
		{"http://p:0", web, "port 0"},
		{"http://:9090", web, "no host"},
		{"http:///path", web, "no host"},
		{"http://u:hunter2@a b/", web, "not a URL"},
	}
	for _, tt := range tests {
		err := CheckURL(tt.raw, tt.schemes...)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckURL(%q) = %v, want nil", tt.raw, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("CheckURL(%q) = %v, want an error mentioning %q", tt.raw, err, tt.want)
		case err != nil && strings.Contains(err.Error(), "hunter2"):
			t.Errorf("CheckURL(%q) = %v shows the password", tt.raw, err)
		}
	}
}

func TestCheckListen(t *testing.T) {
	tests := []struct{ addr, want string }{
		{"127.0.0.1:8080", ""},
		{":8080", ""},
		{"[::1]:0", ""},
		{"[fe80::1%eth0]:80", ""},
		{"localhost:443", ""},
		{"wattson_1.svc.cluster.local.:8080", ""},
		{"8080", "missing port"},
		{"localhost", "missing port"},
		{"http://0.0.0.0:8080", "too many colons"},
		{"localhost:99999", "port 99999"},
		{"localhost:http", "port http"},
		{"local host:80", "host"},
		{"256.1.1.1:80", "host"},
		{"-bad:80", "host"},
		{"a..b:80", "host"},
	}
	for _, tt := range tests {
		err := CheckListen(tt.addr)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckListen(%q) = %v, want nil", tt.addr, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("CheckListen(%q) = %v, want an error mentioning %q", tt.addr, err, tt.want)
		}
	}
}

var redactCases = []struct{ in, want string }{
	{"http://user:pass@prom:9090/api", "http://<redacted>@prom:9090/api"},
	{"https://tok3n@ghe.example/api/v3/", "https://<redacted>@ghe.example/api/v3/"},
	{"redis://:pw@r:6379/0", "redis://<redacted>@r:6379/0"},
	{"http://u:p@ss@a b/x", "http://<redacted>@a b/x"},
	{"https://llm.example/v1?api_key=s3cret&model=m#top", "https://llm.example/v1?api_key=<redacted>&model=m#top"},
	{"https://h/?Token=a&Signature=b&x=y", "https://h/?Token=<redacted>&Signature=<redacted>&x=y"},
	{"http://prom:9090/", "http://prom:9090/"},
	{"http://h/p@q", "http://h/p@q"},
	{"sum(rate(x[5m]))", "sum(rate(x[5m]))"},
	{"what?key=1", "what?key=1"},
	{"user@example.com", "user@example.com"},
	{"", ""},
}

func TestRedact(t *testing.T) {
	for _, tt := range redactCases {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzRedact checks that Redact never panics, is idempotent, and never
// leaves a URL's password in place.
func FuzzRedact(f *testing.F) {
	for _, tt := range redactCases {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Redact(s)
		if Redact(r) != r {
			t.Errorf("Redact(%q) = %q, but Redact of that = %q", s, r, Redact(r))
		}
		_ = CheckURL(s, "http", "https")
		_ = CheckListen(s)
	})
}
