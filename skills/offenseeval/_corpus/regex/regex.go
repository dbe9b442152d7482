// Package regex checks stock-keeping units.
package regex

import "regexp"

// ValidSKU reports whether s is a SKU such as "SKU-0042".
func ValidSKU(s string) bool {
	return regexp.MustCompile(`^SKU-[0-9]{4}$`).MatchString(s)
}
