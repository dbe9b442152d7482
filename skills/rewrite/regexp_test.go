package rewrite

import "testing"

func TestHoistRegexp(t *testing.T) {
	runCases(t, []rewriteCase{
		{name: "method on the call", rewrite: HoistRegexp, function: "valid",
			before: "package p\n\nimport \"regexp\"\n\n// valid says yes.\nfunc valid(s string) bool {\n\treturn regexp.MustCompile(`^[a-z]+$`).MatchString(s)\n}\n",
			after: "package p\n\nimport \"regexp\"\n\n// valid says yes.\nfunc valid(s string) bool {\n\treturn validRE.MatchString(s)\n}\n\n" +
				"// validRE is compiled once, when the program starts, instead of on every call of valid.\nvar validRE = regexp.MustCompile(`^[a-z]+$`)\n"},
		{name: "local variable, constant, in a loop, twice", rewrite: HoistRegexp, function: "(*T).count",
			before: "package p\n\nimport \"regexp\"\n\ntype T struct{}\n\nfunc (t *T) count(ss []string) int {\n\tconst pat = \"a\\r+\"\n\tn := 0\n\tfor _, s := range ss {\n\t\tre := regexp.MustCompile(pat)\n\t\tif re.MatchString(s) && regexp.MustCompile(pat).MatchString(s) {\n\t\t\tn++\n\t\t}\n\t}\n\treturn n\n}\n",
			after: "package p\n\nimport \"regexp\"\n\ntype T struct{}\n\nfunc (t *T) count(ss []string) int {\n\tconst pat = \"a\\r+\"\n\tn := 0\n\tfor _, s := range ss {\n\t\tre := countRE\n\t\tif re.MatchString(s) && countRE.MatchString(s) {\n\t\t\tn++\n\t\t}\n\t}\n\treturn n\n}\n\n" +
				"// countRE is compiled once, when the program starts, instead of on every call of count.\nvar countRE = regexp.MustCompile(\"a\\r+\")\n"},
		{name: "name taken", rewrite: HoistRegexp, function: "valid",
			before: "package p\n\nimport \"regexp\"\n\nvar validRE = 1\n\nfunc valid(s string) bool {\n\treturn regexp.MustCompilePOSIX(`x`).MatchString(s)\n}\n",
			after: "package p\n\nimport \"regexp\"\n\nvar validRE = 1\n\nfunc valid(s string) bool {\n\treturn validRE2.MatchString(s)\n}\n\n" +
				"// validRE2 is compiled once, when the program starts, instead of on every call of valid.\nvar validRE2 = regexp.MustCompilePOSIX(`x`)\n"},
		{name: "pattern from an argument", rewrite: HoistRegexp, function: "valid", reason: "not a constant",
			before: "package p\n\nimport \"regexp\"\n\nfunc valid(p, s string) bool {\n\treturn regexp.MustCompile(p).MatchString(s)\n}\n"},
		{name: "pattern that does not compile", rewrite: HoistRegexp, function: "valid", reason: "does not compile",
			before: "package p\n\nimport \"regexp\"\n\nfunc valid(s string) bool {\n\tdefer func() { recover() }()\n\treturn regexp.MustCompile(`(`).MatchString(s)\n}\n"},
		{name: "Longest mutates it", rewrite: HoistRegexp, function: "find", reason: "Longest",
			before: "package p\n\nimport \"regexp\"\n\nfunc find(s string) string {\n\tre := regexp.MustCompile(`a+`)\n\tre.Longest()\n\treturn re.FindString(s)\n}\n"},
		{name: "returned to the caller", rewrite: HoistRegexp, function: "build", reason: "passed on or stored",
			before: "package p\n\nimport \"regexp\"\n\nfunc build() *regexp.Regexp {\n\treturn regexp.MustCompile(`a+`)\n}\n"},
		{name: "local variable passed on", rewrite: HoistRegexp, function: "build", reason: "other than for a method call",
			before: "package p\n\nimport \"regexp\"\n\nvar all []*regexp.Regexp\n\nfunc build() {\n\tre := regexp.MustCompile(`a+`)\n\tall = append(all, re)\n}\n"},
		{name: "Compile with error handling", rewrite: HoistRegexp, function: "valid", reason: "returns an error",
			before: "package p\n\nimport \"regexp\"\n\nfunc valid(s string) (bool, error) {\n\tre, err := regexp.Compile(`a+`)\n\tif err != nil {\n\t\treturn false, err\n\t}\n\treturn re.MatchString(s), nil\n}\n"},
		{name: "no regexp", rewrite: HoistRegexp, function: "valid", reason: "no regexp.MustCompile",
			before: "package p\n\nfunc valid(s string) bool { return s != \"\" }\n"},
	})
}
