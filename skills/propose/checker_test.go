package propose

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestCheckerUsesTheServiceSources(t *testing.T) {
	regressed := time.Date(2025, 6, 5, 6, 0, 0, 0, time.UTC)
	deploy := regressed.Add(4 * time.Hour)
	now := deploy.Add(3 * time.Hour)
	var start, end time.Time
	src := rangeSource{gen(regressed.Add(-24*time.Hour), now, 5*time.Minute, levels(regressed, deploy, seg{10, 0}), 0.5, 3), &start, &end}
	k := &Checker{Services: map[string]Sources{"checkout": {Series: src, Deploys: deploys{{Time: deploy}}}}, Now: func() time.Time { return now }}
	c := Check{Service: "checkout", Metric: "cpu", Before: 10, After: 12.5, ChangeTime: regressed, Merged: deploy.Add(-time.Hour)}
	rec, sum, err := k.Check(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Ready || !rec.Recovered || !strings.HasPrefix(sum, "recovered: ") || !strings.HasSuffix(sum, " (deploy at 2025-06-05T10:00:00Z)") {
		t.Errorf("recovery %+v, summary %q", rec, sum)
	}

	// A service not listed is checked on the fallback; without metrics
	// there is nothing to check.
	c.Service = "payments"
	if _, _, err := k.Check(context.Background(), c); err == nil || !strings.Contains(err.Error(), `no metrics configured for service "payments"`) {
		t.Errorf("unknown service without a fallback: %v", err)
	}
	k.Fallback = Sources{Series: src}
	if rec, _, err := k.Check(context.Background(), c); err != nil || !rec.Ready || !rec.Deploy.Equal(c.Merged) {
		t.Errorf("fallback without deploys: %+v, %v; want the merge time as the deploy", rec, err)
	}
}
