package investigator

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/skills/skillstest"
	"github.com/wattson-dev/wattson/store"
)

func TestFunctionRegressionStartsFromItsFunction(t *testing.T) {
	sc := skillstest.Build(t, false)
	regs := regressions{"R-1": {ID: "R-1", Service: sc.Service, Metric: "function_cpu_share", Function: "main.computePrice",
		Labels: map[string]string{"function": "main.computePrice"}, ChangeTime: sc.ChangeTime}}
	inv := New(map[string]Service{sc.Service: service(t, sc)}, regs, discard)
	f, err := inv.Investigate(context.Background(), bot.Question{RegressionID: "R-1", Trigger: store.TriggerAlert}, func(bot.Progress) {})
	if err != nil {
		t.Fatal(err)
	}
	first := string(f.Steps[0].Input)
	if strings.Contains(first, "function_cpu_share") || !strings.Contains(first, sc.ChangeTime.UTC().Format(time.RFC3339)) {
		t.Errorf("first step %s; want the service's own series near the change time, not the profile share", first)
	}
	if got := (Input{Service: "s", Function: "main.computePrice"}).args()["function"]; got != "main.computePrice" {
		t.Errorf("input.function = %v", got)
	}
}
