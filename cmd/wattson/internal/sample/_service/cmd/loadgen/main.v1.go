// Command loadgen drives the checkout API in-process with a fixed mix of
// quote requests, for benchmarks and CPU profiles of the request path.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/pprof"
	"time"

	"example.com/acme/checkout/internal/api"
	"example.com/acme/checkout/internal/catalog"
)

func main() {
	duration := flag.Duration("duration", 5*time.Second, "how long to send requests")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the run to `file`")
	flag.Parse()
	h := api.New(catalog.Demo()).Routes()
	bodies := requests()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
	}
	n := 0
	for end := time.Now().Add(*duration); time.Now().Before(end); {
		for _, b := range bodies {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/quote", bytes.NewReader(b)))
			if rec.Code != http.StatusOK {
				log.Fatalf("POST /quote: %d %s", rec.Code, rec.Body)
			}
			n++
		}
	}
	pprof.StopCPUProfile()
	fmt.Printf("requests %d\n", n)
}

// requests is the traffic mix: carts of one to six items, most with a
// coupon, shipped to a handful of regions.
func requests() [][]byte {
	regions := []string{"DE", "FR", "NL", "US-CA", "GB"}
	coupons := []string{"SPRING-25", "WELCOME10", "", "LOYAL-1234", ""}
	var out [][]byte
	for i := range 64 {
		var items bytes.Buffer
		for j := range 1 + i%6 {
			if j > 0 {
				items.WriteString(",")
			}
			fmt.Fprintf(&items, `{"sku":"SKU-%04d","quantity":%d}`, (i*37+j*11)%500, 1+(i+j)%12)
		}
		out = append(out, fmt.Appendf(nil, `{"region":%q,"coupon":%q,"items":[%s]}`,
			regions[i%len(regions)], coupons[i%len(coupons)], items.String()))
	}
	return out
}
