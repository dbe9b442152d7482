package rewrite

import "testing"

func TestStringBuilder(t *testing.T) {
	runCases(t, []rewriteCase{
		{name: "Sprintf and a plain string", rewrite: StringBuilder, function: "key",
			before: "package p\n\nimport \"fmt\"\n\nfunc key(prefix string, ids []int) string {\n\tkey := \"k:\"\n\tfor _, id := range ids {\n\t\tkey += fmt.Sprintf(\"%s:%d\", prefix, id)\n\t\tkey += \",\"\n\t}\n\treturn key\n}\n",
			after:  "package p\n\nimport (\n\t\"fmt\"\n\t\"strings\"\n)\n\nfunc key(prefix string, ids []int) string {\n\tkey := \"k:\"\n\tvar keyBuilder strings.Builder\n\tkeyBuilder.WriteString(key)\n\tfor _, id := range ids {\n\t\tfmt.Fprintf(&keyBuilder, \"%s:%d\", prefix, id)\n\t\tkeyBuilder.WriteString(\",\")\n\t}\n\tkey = keyBuilder.String()\n\treturn key\n}\n"},
		{name: "plain for loop with break, strings imported", rewrite: StringBuilder, function: "join",
			before: "package p\n\nimport \"strings\"\n\nfunc join(ss []string) string {\n\tvar out string\n\tfor i := 0; i < len(ss); i++ {\n\t\tif ss[i] == \"\" {\n\t\t\tbreak\n\t\t}\n\t\tout += strings.ToUpper(ss[i])\n\t}\n\treturn out\n}\n",
			after:  "package p\n\nimport \"strings\"\n\nfunc join(ss []string) string {\n\tvar out string\n\tvar outBuilder strings.Builder\n\toutBuilder.WriteString(out)\n\tfor i := 0; i < len(ss); i++ {\n\t\tif ss[i] == \"\" {\n\t\t\tbreak\n\t\t}\n\t\toutBuilder.WriteString(strings.ToUpper(ss[i]))\n\t}\n\tout = outBuilder.String()\n\treturn out\n}\n"},
		{name: "read inside the loop", rewrite: StringBuilder, function: "f", reason: "read inside the loop",
			before: "package p\n\nfunc f(ss []string) string {\n\tout := \"\"\n\tfor _, s := range ss {\n\t\tif len(out) > 10 {\n\t\t\tbreak\n\t\t}\n\t\tout += s\n\t}\n\treturn out\n}\n"},
		{name: "return inside the loop", rewrite: StringBuilder, function: "f", reason: "can be left",
			before: "package p\n\nfunc f(ss []string) string {\n\tout := \"\"\n\tfor _, s := range ss {\n\t\tif s == \"\" {\n\t\t\treturn \"empty\"\n\t\t}\n\t\tout += s\n\t}\n\treturn out\n}\n"},
		{name: "named result", rewrite: StringBuilder, function: "f", reason: "named result",
			before: "package p\n\nfunc f(ss []string) (out string) {\n\tfor _, s := range ss {\n\t\tout += s\n\t}\n\treturn out\n}\n"},
		{name: "captured by a closure", rewrite: StringBuilder, function: "f", reason: "captured",
			before: "package p\n\nfunc f(ss []string, log func(func() string)) string {\n\tout := \"\"\n\tlog(func() string { return out })\n\tfor _, s := range ss {\n\t\tout += s\n\t}\n\treturn out\n}\n"},
		{name: "not in a loop", rewrite: StringBuilder, function: "f", reason: "no += on a local string inside a loop",
			before: "package p\n\nfunc f(a, b string) string {\n\tout := a\n\tout += b\n\treturn out\n}\n"},
		{name: "named string type", rewrite: StringBuilder, function: "f", reason: "no += on a local string",
			before: "package p\n\ntype name string\n\nfunc f(ss []name) name {\n\tvar out name\n\tfor _, s := range ss {\n\t\tout += s\n\t}\n\treturn out\n}\n"},
	})
}
