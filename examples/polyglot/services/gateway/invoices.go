package gateway

import (
	"encoding/json"
	"errors"
	"net/http"

	"example.com/shop/billing"
)

type invoiceRequest struct {
	Seq      int            `json:"seq"`
	Customer string         `json:"customer"`
	Country  string         `json:"country"`
	Lines    []billing.Line `json:"lines"`
}

// createInvoice bills an order's lines and answers with the gross amount.
func (s *Server) createInvoice(w http.ResponseWriter, r *http.Request) {
	var req invoiceRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	inv, err := billing.NewInvoice(req.Seq, req.Customer, req.Lines)
	if errors.Is(err, billing.ErrEmptyInvoice) {
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	if err := s.invoices.Save(inv); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	gross := billing.ApplyTax(inv.Total(), req.Country)
	writeJSON(w, map[string]any{"number": inv.Number, "gross": gross.String(), "due": inv.DueDate()})
}
