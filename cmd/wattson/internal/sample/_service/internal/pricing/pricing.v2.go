// Package pricing computes what an order costs.
package pricing

// Line is one product of an order.
type Line struct {
	SKU       string
	Quantity  int
	UnitCents int64
	Category  string
}

// PricedLine is a line with its price.
type PricedLine struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
	Cents    int64  `json:"cents"`
}

// Quote is a priced order; amounts are in cents.
type Quote struct {
	Lines    []PricedLine `json:"lines"`
	Subtotal int64        `json:"subtotal"`
	Discount int64        `json:"discount"`
	Tax      int64        `json:"tax"`
	Total    int64        `json:"total"`
}

// Price prices the lines of an order shipped to region.
func Price(lines []Line, region string) Quote {
	q := Quote{Lines: make([]PricedLine, 0, len(lines))}
	for _, l := range lines {
		cents := l.UnitCents * int64(l.Quantity)
		q.Lines = append(q.Lines, PricedLine{SKU: l.SKU, Quantity: l.Quantity, Cents: cents})
		q.Subtotal += cents
		if l.Quantity >= 10 {
			q.Discount += cents / 20 // 5% volume discount
		}
	}
	q.Tax = (q.Subtotal - q.Discount) * taxPermille(region) / 1000
	q.Total = q.Subtotal - q.Discount + q.Tax
	return q
}

// taxPermille is the sales tax of region in tenths of a percent.
func taxPermille(region string) int64 {
	switch region {
	case "DE":
		return 190
	case "FR":
		return 200
	case "NL":
		return 210
	case "US-CA":
		return 73
	default:
		return 0
	}
}
