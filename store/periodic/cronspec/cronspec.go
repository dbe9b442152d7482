// Package cronspec checks a cron spec as package periodic will run it, and
// a little more strictly: robfig/cron's parser, which periodic uses, takes
// a step larger than its field ("*/61" in the minute field fires once an
// hour, at :00), which is always a typo, so Check refuses it. Config
// validation calls Check so that a bad schedule fails at load, not when the
// runner starts.
package cronspec

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/store/periodic"
)

// fields are the five standard fields with the largest step each can take
// and still fire more than once per period.
var fields = [5]struct {
	name string
	max  int
}{{"minute", 59}, {"hour", 23}, {"day-of-month", 31}, {"month", 12}, {"day-of-week", 6}}

// Check reports why spec, read in the IANA time zone tz (empty: UTC), would
// not run: it does not parse as periodic.Parse reads it, tz is unknown, the
// spec carries its own zone (periodic is given the job's zone, so the two
// would clash), or a step is larger than its field.
func Check(spec, tz string) error {
	if spec == "" {
		return errors.New(`required, e.g. "*/15 * * * *"`)
	}
	if strings.HasPrefix(spec, "CRON_TZ=") || strings.HasPrefix(spec, "TZ=") {
		return fmt.Errorf("%q: give the zone as time_zone, not in the spec", spec)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return fmt.Errorf("time_zone %q: %v", tz, err)
	}
	if _, err := periodic.Parse(spec, loc); err != nil {
		return err
	}
	if strings.HasPrefix(spec, "@") {
		return nil // a descriptor or @every, which periodic.Parse checked
	}
	for i, field := range strings.Fields(spec) {
		if i >= len(fields) {
			break // Parse takes exactly five; never reached
		}
		for part := range strings.SplitSeq(field, ",") {
			_, step, ok := strings.Cut(part, "/")
			if n, err := strconv.Atoi(step); ok && err == nil && n > fields[i].max {
				return fmt.Errorf("%q: %s step %d is larger than %d, so it fires once per period at most", spec, fields[i].name, n, fields[i].max)
			}
		}
	}
	return nil
}
