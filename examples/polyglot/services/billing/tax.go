package billing

import "github.com/shopspring/decimal"

// TaxRate is a VAT rate such as 0.19.
type TaxRate decimal.Decimal

// Rates by ISO country code.
var standardRates = map[string]string{
	"DE": "0.19",
	"FR": "0.20",
	"GB": "0.20",
}

// RateFor returns the standard VAT rate of a country, or zero if unknown.
func RateFor(country string) decimal.Decimal {
	rate, ok := standardRates[country]
	if !ok {
		return decimal.Zero
	}
	return decimal.RequireFromString(rate)
}

// ApplyTax returns the gross amount for a net amount.
func ApplyTax(net decimal.Decimal, country string) decimal.Decimal {
	return net.Add(net.Mul(RateFor(country))).Round(2)
}
