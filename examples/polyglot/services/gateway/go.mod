module example.com/shop/gateway

go 1.22

require (
	example.com/shop/billing v0.0.0-00010101000000-000000000000
	github.com/go-chi/chi/v5 v5.0.12
	google.golang.org/protobuf v1.34.1
)

require github.com/shopspring/decimal v1.4.0 // indirect
