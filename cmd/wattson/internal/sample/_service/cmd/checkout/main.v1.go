// Command checkout serves the checkout API, with pprof endpoints under
// /debug/pprof/.
package main

import (
	"flag"
	"log"
	"net/http"
	"net/http/pprof"

	"example.com/acme/checkout/internal/api"
	"example.com/acme/checkout/internal/catalog"
)

func main() {
	addr := flag.String("addr", ":8080", "listen `address`")
	flag.Parse()
	mux := http.NewServeMux()
	mux.Handle("/", api.New(catalog.Demo()).Routes())
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	log.Printf("checkout listening on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, mux))
}
