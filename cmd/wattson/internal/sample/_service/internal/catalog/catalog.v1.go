// Package catalog holds the products the shop sells.
package catalog

import (
	"errors"
	"fmt"
)

// ErrUnknownSKU reports a SKU that is not in the catalog.
var ErrUnknownSKU = errors.New("unknown sku")

// Product is one thing for sale.
type Product struct {
	SKU      string
	Name     string
	Cents    int64
	Category string
}

// Catalog indexes products by SKU.
type Catalog struct {
	bySKU map[string]Product
}

// New indexes products by SKU.
func New(products []Product) *Catalog {
	c := &Catalog{bySKU: map[string]Product{}}
	for _, p := range products {
		c.bySKU[p.SKU] = p
	}
	return c
}

// Lookup returns the product with the given SKU.
func (c *Catalog) Lookup(sku string) (Product, error) {
	p, ok := c.bySKU[sku]
	if !ok {
		return Product{}, fmt.Errorf("lookup %q: %w", sku, ErrUnknownSKU)
	}
	return p, nil
}

// Demo returns a catalog of 500 products for local runs and load tests.
func Demo() *Catalog {
	categories := []string{"books", "garden", "kitchen", "toys"}
	products := make([]Product, 0, 500)
	for i := range 500 {
		products = append(products, Product{
			SKU:      fmt.Sprintf("SKU-%04d", i),
			Name:     fmt.Sprintf("Product %d", i),
			Cents:    int64(199 + (i*3701)%9000),
			Category: categories[i%len(categories)],
		})
	}
	return New(products)
}
