// Package gateway is the HTTP front door of the shop's backend.
package gateway

import (
	"encoding/json"
	"net/http"

	"example.com/shop/billing"
	"github.com/go-chi/chi/v5"
)

// Config holds the listen address and upstream settings.
type Config struct {
	Addr        string
	BillingDSN  string
	MaxBodySize int64
}

// Server routes API requests to the backend services.
type Server struct {
	cfg      Config
	router   chi.Router
	invoices billing.Store
}

// NewServer wires the routes; invoices may be nil in read-only mode.
func NewServer(cfg Config, invoices billing.Store) *Server {
	s := &Server{cfg: cfg, router: chi.NewRouter(), invoices: invoices}
	s.routes()
	return s
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.router.ServeHTTP(w, r)
}

func (s *Server) routes() {
	s.router.Use(RequestID)
	s.router.Get("/api/v1/invoices/{number}", s.getInvoice)
	s.router.Post("/api/v1/invoices", s.createInvoice)
}

func (s *Server) getInvoice(w http.ResponseWriter, r *http.Request) {
	inv, err := s.invoices.Find(chi.URLParam(r, "number"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	writeJSON(w, inv)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
