package funcdetect

import "github.com/wattson-dev/wattson/detector"

func seriesOf(times []int64, values []float64) detector.Series {
	return detector.Series{Times: times, Values: values}
}
