// Package concat renders records as text.
package concat

// CSV joins fields with commas.
func CSV(fields []string) string {
	s := ""
	for i, f := range fields {
		if i > 0 {
			s += ","
		}
		s += f
	}
	return s
}
