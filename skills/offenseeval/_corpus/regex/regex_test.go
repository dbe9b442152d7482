package regex

import "testing"

func TestValidSKU(t *testing.T) {
	for s, want := range map[string]bool{"SKU-0042": true, "SKU-9999": true, "SKU-42": false, "sku-0042": false, "": false, "SKU-00420": false} {
		if got := ValidSKU(s); got != want {
			t.Errorf("ValidSKU(%q) = %v, want %v", s, got, want)
		}
	}
}

func BenchmarkValidSKU(b *testing.B) {
	skus := []string{"SKU-0042", "SKU-1234", "nope", "SKU-9"}
	for i := range b.N {
		ValidSKU(skus[i%len(skus)])
	}
}
