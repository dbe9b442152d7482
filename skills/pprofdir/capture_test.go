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

func TestFetchAndSave(t *testing.T) {
	data := sampleProfile(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/debug/pprof/profile" || r.URL.Query().Get("seconds") != "2" {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
	}))
	defer srv.Close()
	d := New(t.TempDir())
	c := NewCapturer(srv.Client(), d, time.Now)
	p, err := c.Fetch(context.Background(), srv.URL, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if refs, _ := d.List(context.Background(), "svc"); len(refs) != 0 {
		t.Errorf("Fetch stored %d profiles, want none", len(refs))
	}
	at := time.Date(2025, 3, 1, 12, 0, 0, 500, time.UTC)
	path, err := c.Save("svc", at, p)
	if err != nil || path != d.Path("svc", at.Truncate(time.Second)) {
		t.Fatalf("Save: %q, %v", path, err)
	}
	refs, err := d.List(context.Background(), "svc")
	if err != nil || len(refs) != 1 {
		t.Fatalf("refs = %+v, %v", refs, err)
	}
	back, err := d.Load(context.Background(), refs[0])
	if err != nil || len(back.Sample) != len(p.Sample) {
		t.Errorf("saved profile reads back with %v, err %v", back, err)
	}
	if _, err := c.Save("../x", at, p); err == nil {
		t.Error("a bad service name was saved")
	}
	if _, err := c.Fetch(context.Background(), srv.URL+"/missing", 2*time.Second); err == nil {
		t.Error("a 404 was returned as a profile")
	}
}
