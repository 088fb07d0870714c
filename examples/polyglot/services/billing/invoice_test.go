package billing

import "testing"

// Test files are skipped for API extraction (*_test.go).
func TestNewInvoiceRejectsEmpty(t *testing.T) {
	if _, err := NewInvoice(1, "c-1", nil); err != ErrEmptyInvoice {
		t.Fatalf("want ErrEmptyInvoice, got %v", err)
	}
}
