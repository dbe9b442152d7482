package detector

// selectK partially orders t so that t[k] holds the value of rank k, the
// smaller values before it and the larger after it (Hoare's quickselect,
// O(len(t)) on average), and returns t[k].
func selectK(t []float64, k int) float64 {
	lo, hi := 0, len(t)-1
	for lo < hi {
		p := t[(lo+hi)/2]
		i, j := lo, hi
		for i <= j {
			for t[i] < p {
				i++
			}
			for t[j] > p {
				j--
			}
			if i <= j {
				t[i], t[j] = t[j], t[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return t[k]
		}
	}
	return t[k]
}

// trimmedMean is the mean of v without its lowest and highest 20%, by two
// selections rather than a sort.
func trimmedMean(v []float64, tmp *[]float64) float64 {
	s := append((*tmp)[:0], v...)
	*tmp = s
	cut := len(s) / 5
	if cut > 0 {
		selectK(s, cut)
		selectK(s[cut:], len(s)-2*cut)
	}
	sum := 0.0
	for _, x := range s[cut : len(s)-cut] {
		sum += x
	}
	return sum / float64(len(s)-2*cut)
}
