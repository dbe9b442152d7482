package rewrite

import "testing"

func TestPresizeAppend(t *testing.T) {
	runCases(t, []rewriteCase{
		{name: "nil slice over a slice", rewrite: PresizeAppend, function: "double",
			before: "package p\n\nfunc double(in []int) []int {\n\tvar out []int\n\tfor _, x := range in {\n\t\tout = append(out, 2*x)\n\t}\n\treturn out\n}\n",
			after:  "package p\n\nimport \"slices\"\n\nfunc double(in []int) []int {\n\tvar out []int\n\tout = slices.Grow(out, len(in))\n\tfor _, x := range in {\n\t\tout = append(out, 2*x)\n\t}\n\treturn out\n}\n"},
		{name: "empty literal over a map field and an int", rewrite: PresizeAppend, function: "(*T).keys",
			before: "package p\n\ntype T struct{ m map[string]int }\n\nfunc (t *T) keys(n int) ([]string, []int) {\n\tks := []string{}\n\tfor k := range t.m {\n\t\tks = append(ks, k)\n\t}\n\tis := make([]int, 0)\n\tfor i := range n {\n\t\tis = append(is, i)\n\t}\n\treturn ks, is\n}\n",
			after:  "package p\n\nimport \"slices\"\n\ntype T struct{ m map[string]int }\n\nfunc (t *T) keys(n int) ([]string, []int) {\n\tks := []string{}\n\tks = slices.Grow(ks, len(t.m))\n\tfor k := range t.m {\n\t\tks = append(ks, k)\n\t}\n\tis := make([]int, 0)\n\tis = slices.Grow(is, max(n, 0))\n\tfor i := range n {\n\t\tis = append(is, i)\n\t}\n\treturn ks, is\n}\n"},
		{name: "conditional append", rewrite: PresizeAppend, function: "even", reason: "no `v = append(v, x)`",
			before: "package p\n\nfunc even(in []int) []int {\n\tvar out []int\n\tfor _, x := range in {\n\t\tif x%2 == 0 {\n\t\t\tout = append(out, x)\n\t\t}\n\t}\n\treturn out\n}\n"},
		{name: "continue before the append", rewrite: PresizeAppend, function: "even", reason: "no `v = append(v, x)`",
			before: "package p\n\nfunc even(in []int) []int {\n\tvar out []int\n\tfor _, x := range in {\n\t\tif x%2 != 0 {\n\t\t\tcontinue\n\t\t}\n\t\tout = append(out, x)\n\t}\n\treturn out\n}\n"},
		{name: "parameter shares its array", rewrite: PresizeAppend, function: "add", reason: "parameter",
			before: "package p\n\nfunc add(out, in []int) []int {\n\tfor _, x := range in {\n\t\tout = append(out, x)\n\t}\n\treturn out\n}\n"},
		{name: "starts as a slice of another", rewrite: PresizeAppend, function: "add", reason: "does not start as a new empty slice",
			before: "package p\n\nfunc add(buf, in []int) []int {\n\tout := buf[:0]\n\tfor _, x := range in {\n\t\tout = append(out, x)\n\t}\n\treturn out\n}\n"},
		{name: "range over a call", rewrite: PresizeAppend, function: "f", reason: "not a plain variable",
			before: "package p\n\nfunc items() []int { return nil }\n\nfunc f() []int {\n\tvar out []int\n\tfor _, x := range items() {\n\t\tout = append(out, x)\n\t}\n\treturn out\n}\n"},
		{name: "range over a channel", rewrite: PresizeAppend, function: "f", reason: "no known length",
			before: "package p\n\nfunc f(ch chan int) []int {\n\tvar out []int\n\tfor x := range ch {\n\t\tout = append(out, x)\n\t}\n\treturn out\n}\n"},
		{name: "reassigned elsewhere", rewrite: PresizeAppend, function: "f", reason: "assigned other than by append",
			before: "package p\n\nfunc f(in, other []int) []int {\n\tvar out []int\n\tfor _, x := range in {\n\t\tout = append(out, x)\n\t}\n\tout = other\n\treturn out\n}\n"},
		{name: "captured by a closure", rewrite: PresizeAppend, function: "f", reason: "captured",
			before: "package p\n\nfunc f(in []int) func() []int {\n\tvar out []int\n\tfor _, x := range in {\n\t\tout = append(out, x)\n\t}\n\treturn func() []int { return out }\n}\n"},
	})
}
