package pprofdir

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestCapture(t *testing.T) {
	profile := sampleProfile(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/debug/pprof/profile" && r.URL.Query().Get("seconds") == "7":
			w.Write(profile)
		case r.URL.Path == "/bad/debug/pprof/profile":
			w.Write([]byte("<html>login</html>"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	d := New(t.TempDir())
	c := NewCapturer(srv.Client(), d, func() time.Time { return at })
	p, err := c.Capture(context.Background(), "svc", srv.URL, 7*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if p != d.Path("svc", at) {
		t.Errorf("stored at %s, want %s", p, d.Path("svc", at))
	}
	refs, err := d.List(context.Background(), "svc")
	if err != nil || len(refs) != 1 || !refs[0].Time.Equal(at) {
		t.Fatalf("refs = %+v, %v", refs, err)
	}
	if _, err := c.Capture(context.Background(), "svc", srv.URL+"/bad", 7*time.Second); err == nil {
		t.Error("a non-profile answer was stored")
	}
	if _, err := c.Capture(context.Background(), "svc", srv.URL+"/missing", time.Second); err == nil {
		t.Error("a 404 was stored")
	}
}
