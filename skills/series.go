package skills

import (
	"context"
	"errors"
	"time"

	"github.com/wattson-dev/wattson/detector"
)

// ErrNoSeries reports that no series matched.
var ErrNoSeries = errors.New("no matching series")

// SeriesSource yields a service's metric series over a time range.
type SeriesSource interface {
	// Series returns the series named metric with label service=service
	// over [start, end]; an empty metric means every series of the
	// service. No match is ErrNoSeries.
	Series(ctx context.Context, metric, service string, start, end time.Time) ([]detector.Series, error)
}
