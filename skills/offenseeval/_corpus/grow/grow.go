// Package grow computes over slices of numbers.
package grow

// Squares returns the square of each number, in order.
func Squares(xs []int) []int {
	var out []int
	for _, x := range xs {
		out = append(out, x*x)
	}
	return out
}
