package api

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"example.com/acme/checkout/internal/catalog"
)

func TestValidCoupon(t *testing.T) {
	for code, want := range map[string]bool{
		"SPRING-25": true, "WELCOME10": true, "LOYAL-1234": true,
		"spring-25": false, "AB-12": false, "SPRING-": false, "SPRING-12345": false, "": false,
	} {
		if got := validCoupon(code); got != want {
			t.Errorf("validCoupon(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestQuoteCoupon(t *testing.T) {
	h := New(catalog.Demo()).Routes()
	for body, want := range map[string]int{
		`{"region":"DE","coupon":"SPRING-25","items":[{"sku":"SKU-0001","quantity":2}]}`: http.StatusOK,
		`{"region":"DE","coupon":"nope","items":[{"sku":"SKU-0001","quantity":2}]}`:      http.StatusBadRequest,
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/quote", bytes.NewReader([]byte(body))))
		if rec.Code != want {
			t.Errorf("POST /quote %s: %d, want %d", body, rec.Code, want)
		}
	}
}

// BenchmarkQuote serves the load generator's traffic mix: carts of one
// to six items, most with a coupon.
func BenchmarkQuote(b *testing.B) {
	h := New(catalog.Demo()).Routes()
	regions := []string{"DE", "FR", "NL", "US-CA", "GB"}
	coupons := []string{"SPRING-25", "WELCOME10", "", "LOYAL-1234", ""}
	var bodies [][]byte
	for i := range 64 {
		var items bytes.Buffer
		for j := range 1 + i%6 {
			if j > 0 {
				items.WriteString(",")
			}
			fmt.Fprintf(&items, `{"sku":"SKU-%04d","quantity":%d}`, (i*37+j*11)%500, 1+(i+j)%12)
		}
		bodies = append(bodies, fmt.Appendf(nil, `{"region":%q,"coupon":%q,"items":[%s]}`,
			regions[i%len(regions)], coupons[i%len(coupons)], items.String()))
	}
	b.ResetTimer()
	for i := range b.N {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/quote", bytes.NewReader(bodies[i%len(bodies)])))
		if rec.Code != http.StatusOK {
			b.Fatalf("POST /quote: %d %s", rec.Code, rec.Body)
		}
	}
}
