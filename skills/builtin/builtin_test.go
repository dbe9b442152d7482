package builtin_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/builtin"
	"github.com/wattson-dev/wattson/skills/deploys"
	"github.com/wattson-dev/wattson/skills/gitlocal"
	"github.com/wattson-dev/wattson/skills/metrics"
	"github.com/wattson-dev/wattson/skills/pprofdir"
)

func names(infos []skills.Info) string {
	var out []string
	for _, in := range infos {
		out = append(out, in.Name)
	}
	return strings.Join(out, ",")
}

func TestRegistryLeavesOutWhatIsNotConfigured(t *testing.T) {
	none := builtin.Registry(builtin.Deps{WattsPerCore: 10})
	if got := names(none.Infos()); got != "estimate_impact" {
		t.Errorf("with nothing configured: %s", got)
	}
	if len(none.Unavailable()) != 9 {
		t.Errorf("unavailable %+v", none.Unavailable())
	}
	for _, u := range none.Unavailable() {
		if u.Reason == "" {
			t.Errorf("%s left out without a reason", u.Name)
		}
	}
	series := metrics.NewFiles(t.TempDir() + "/cpu.json")
	all := builtin.Registry(builtin.Deps{Series: series, Deploys: []skills.DeploySource{deploys.NewBuildInfo(series)},
		Host: gitlocal.New(t.TempDir()), Profiles: pprofdir.New(t.TempDir()), WattsPerCore: 10})
	if len(all.Infos()) != 10 || len(all.Unavailable()) != 0 {
		t.Errorf("with everything configured: %s; left out %+v", names(all.Infos()), all.Unavailable())
	}
}

func TestFindOpportunitiesInRegistry(t *testing.T) {
	without := builtin.Registry(builtin.Deps{})
	if _, ok := without.Get("find_opportunities"); ok {
		t.Error("find_opportunities offered without profiles")
	}
	reg := builtin.Registry(builtin.Deps{Profiles: pprofdir.New(t.TempDir())})
	sk, ok := reg.Get("find_opportunities")
	if !ok {
		t.Fatalf("find_opportunities not registered with profiles; have %v", reg.Infos())
	}
	_, err := sk.Run(context.Background(), json.RawMessage(`{"service":"checkout"}`))
	if !errors.Is(err, skills.ErrNoProfile) {
		t.Errorf("scan of a service without profiles: err = %v, want ErrNoProfile", err)
	}
}
