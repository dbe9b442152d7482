package rewrite

import "testing"

func TestHoistTimeNow(t *testing.T) {
	runCases(t, []rewriteCase{
		{name: "stamps in a loop", rewrite: HoistTimeNow, function: "stamp",
			before: "package p\n\nimport \"time\"\n\ntype item struct{ at time.Time; age time.Duration }\n\nfunc stamp(items []item, born time.Time) {\n\tfor i := range items {\n\t\titems[i].at = time.Now().UTC()\n\t\titems[i].age = time.Now().Sub(born)\n\t}\n}\n",
			after:  "package p\n\nimport \"time\"\n\ntype item struct{ at time.Time; age time.Duration }\n\nfunc stamp(items []item, born time.Time) {\n\tnow := time.Now()\n\tfor i := range items {\n\t\titems[i].at = now.UTC()\n\t\titems[i].age = now.Sub(born)\n\t}\n}\n"},
		{name: "loop calls a function", rewrite: HoistTimeNow, function: "f", reason: "calls work",
			before: "package p\n\nimport \"time\"\n\nfunc work() {}\n\nfunc f(n int) []time.Time {\n\tvar out []time.Time\n\tfor range n {\n\t\twork()\n\t\tout = append(out, time.Now())\n\t}\n\treturn out\n}\n"},
		{name: "loop waits on a channel", rewrite: HoistTimeNow, function: "f", reason: "receives from a channel",
			before: "package p\n\nimport \"time\"\n\nfunc f(ch chan int) (last time.Time) {\n\tfor range 3 {\n\t\t<-ch\n\t\tlast = time.Now()\n\t}\n\treturn last\n}\n"},
		{name: "not in a loop", rewrite: HoistTimeNow, function: "f", reason: "no time.Now() inside a loop",
			before: "package p\n\nimport \"time\"\n\nfunc f() time.Time { return time.Now() }\n"},
	})
}
