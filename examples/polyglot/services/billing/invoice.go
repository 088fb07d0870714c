// Package billing turns paid orders into invoices.
package billing

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// DefaultDueDays is how long a customer has to pay an invoice.
const DefaultDueDays = 30

const invoicePrefix = "INV"

// ErrEmptyInvoice is returned when an invoice has no lines.
var ErrEmptyInvoice = errors.New("billing: invoice has no lines")

// Line is one billed item.
type Line struct {
	SKU       string
	Quantity  int
	UnitPrice decimal.Decimal
}

// Invoice is what the customer receives after payment.
type Invoice struct {
	Number   string
	Customer string
	Lines    []Line
	IssuedAt time.Time
	paid     bool
}

// Store persists invoices; the gateway provides a SQL implementation.
type Store interface {
	Save(inv *Invoice) error
	Find(number string) (*Invoice, error)
}

// NewInvoice numbers and dates a new invoice for the given lines.
func NewInvoice(seq int, customer string, lines []Line) (*Invoice, error) {
	if len(lines) == 0 {
		return nil, ErrEmptyInvoice
	}
	return &Invoice{
		Number:   formatNumber(seq),
		Customer: customer,
		Lines:    lines,
		IssuedAt: time.Now().UTC(),
	}, nil
}

// Total sums the lines of the invoice.
func (inv *Invoice) Total() decimal.Decimal {
	total := decimal.Zero
	for _, l := range inv.Lines {
		total = total.Add(l.UnitPrice.Mul(decimal.NewFromInt(int64(l.Quantity))))
	}
	return total
}

// MarkPaid records the payment; paying twice is an error.
func (inv *Invoice) MarkPaid() error {
	if inv.paid {
		return fmt.Errorf("billing: invoice %s already paid", inv.Number)
	}
	inv.paid = true
	return nil
}

// DueDate is when payment is expected.
func (inv Invoice) DueDate() time.Time {
	return inv.IssuedAt.AddDate(0, 0, DefaultDueDays)
}

func formatNumber(seq int) string {
	return fmt.Sprintf("%s-%06d", invoicePrefix, seq)
}
