// Package api serves the checkout HTTP API.
package api

import (
	"encoding/json"
	"net/http"

	"example.com/acme/checkout/internal/catalog"
	"example.com/acme/checkout/internal/pricing"
)

// Server answers checkout requests.
type Server struct {
	catalog *catalog.Catalog
}

// New returns a server pricing products of c.
func New(c *catalog.Catalog) *Server {
	return &Server{catalog: c}
}

// Routes returns the HTTP handler of the API.
func (s *Server) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /quote", s.handleQuote)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n"))
	})
	return mux
}

// QuoteRequest is the body of POST /quote.
type QuoteRequest struct {
	Region string `json:"region"`
	Items  []Item `json:"items"`
}

// Item is one product of a QuoteRequest.
type Item struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
}

func (s *Server) handleQuote(w http.ResponseWriter, r *http.Request) {
	var req QuoteRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, "malformed request body", http.StatusBadRequest)
		return
	}
	lines := make([]pricing.Line, 0, len(req.Items))
	for _, it := range req.Items {
		p, err := s.catalog.Lookup(it.SKU)
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		lines = append(lines, pricing.Line{SKU: p.SKU, Quantity: it.Quantity, UnitCents: p.Cents, Category: p.Category})
	}
	q := pricing.Price(lines, req.Region)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(q)
}
