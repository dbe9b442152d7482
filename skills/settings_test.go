package skills

import "testing"

func TestSettingsOf(t *testing.T) {
	tests := []struct {
		name, path, patch string
		want              []setting
	}{
		{"k8s env GOGC", "deploy/shop.yaml",
			"@@ -7,3 +7,3 @@\n         env:\n         - name: GOGC\n-          value: \"100\"\n+          value: \"25\"\n",
			[]setting{{kind: SettingRuntime, path: "deploy/shop.yaml", line: 9, key: "GOGC", old: "100", new: "25"}}},
		{"env file", ".env", "@@ -1 +1 @@\n-GOMAXPROCS=4\n+GOMAXPROCS=32\n",
			[]setting{{kind: SettingRuntime, path: ".env", line: 1, key: "GOMAXPROCS", old: "4", new: "32"}}},
		{"code sets GC percent", "cmd/shop/main.go", "@@ -3 +3 @@\n-\tdebug.SetGCPercent(100)\n+\tdebug.SetGCPercent(20)\n",
			[]setting{{kind: SettingRuntime, path: "cmd/shop/main.go", line: 3, key: "GOGC", old: "100", new: "20"}}},
		{"cpu limit", "deploy/shop.yml", "@@ -4 +4 @@\n-    cpu: \"2\"\n+    cpu: 500m\n",
			[]setting{{kind: SettingRuntime, path: "deploy/shop.yml", line: 4, key: "cpu limit", old: "2", new: "500m"}}},
		{"dependency bump", "go.mod", "@@ -5,3 +5,3 @@\n require (\n-\texample.com/fastjson v1.2.0\n+\texample.com/fastjson v1.3.0\n )\n",
			[]setting{{kind: SettingDependency, path: "go.mod", line: 6, key: "example.com/fastjson", old: "v1.2.0", new: "v1.3.0"}}},
		{"added dependency", "go.mod", "@@ -3,0 +4 @@\n+require example.com/x v0.1.0\n",
			[]setting{{kind: SettingDependency, path: "go.mod", line: 4, key: "example.com/x", new: "v0.1.0"}}},
		{"default constant", "internal/catalog/cache.go", "@@ -6 +6 @@\n-const DefaultTTL = 10 * time.Minute // TTL\n+const DefaultTTL = 2 * time.Second // TTL\n",
			[]setting{{kind: SettingDefault, path: "internal/catalog/cache.go", line: 6, key: "DefaultTTL", old: "10 * time.Minute", new: "2 * time.Second"}}},
		{"option field", "cmd/shop/main.go", "@@ -9 +9 @@\n-\t\tMaxIdle: 64,\n+\t\tMaxIdle: 2,\n",
			[]setting{{kind: SettingDefault, path: "cmd/shop/main.go", line: 9, key: "MaxIdle", old: "64", new: "2"}}},
		{"config key", "config/shop.toml", "@@ -2 +2 @@\n-cache_size = 10000\n+cache_size = 100\n",
			[]setting{{kind: SettingConfig, path: "config/shop.toml", line: 2, key: "cache_size", old: "10000", new: "100"}}},
		{"a message, not a setting", "internal/catalog/catalog.go", "@@ -3 +3 @@\n-\tlog.Printf(\"load %s\", id)\n+\tlog.Printf(\"loading %s\", id)\n", nil},
		{"string default", "internal/catalog/cache.go", "@@ -3 +3 @@\n-\tMode: \"lru\",\n+\tMode: \"fifo\",\n",
			[]setting{{kind: SettingDefault, path: "internal/catalog/cache.go", line: 3, key: "Mode", old: `"lru"`, new: `"fifo"`}}},
		{"constructor argument", "cmd/shop/main.go", "@@ -3 +3 @@\n-\tc := cache.New(4096, time.Minute)\n+\tc := cache.New(16, time.Minute)\n",
			[]setting{{kind: SettingDefault, path: "cmd/shop/main.go", line: 3, key: "c", old: "cache.New(4096, time.Minute)", new: "cache.New(16, time.Minute)", pkgs: "cache"}}},
		{"code, not a setting", "internal/catalog/catalog.go", "@@ -3 +3 @@\n-\treturn a(x)\n+\treturn b(x, 2)\n", nil},
		{"same value", "deploy/shop.yaml", "@@ -2 +2 @@\n-cpu: 2 # two\n+cpu: 2\n", nil},
		{"docs", "README.md", "@@ -1 +1 @@\n-GOGC=100\n+GOGC=50\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := settingsOf(Change{Files: []FileChange{{Path: tt.path, Patch: tt.patch}}})
			if len(got) != len(tt.want) {
				t.Fatalf("settings = %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("setting %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// A setting is evidence only when what it sets moved: GOGC with GC work,
// a dependency with its packages' share of CPU.
func TestSettingLinkNeedsTheCostItSets(t *testing.T) {
	gogc := setting{kind: SettingRuntime, key: "GOGC", old: "100", new: "25", path: "deploy/shop.yaml", line: 9}
	dep := setting{kind: SettingDependency, key: "example.com/fastjson", old: "v1.2.0", new: "v1.3.0", path: "go.mod", line: 5}
	rose := ShareDelta{Before: 0.08, After: 0.16, Delta: 0.09, Z: 9}
	flat := ShareDelta{Before: 0.08, After: 0.081, Delta: 0.001, Z: 0.4}
	tests := []struct {
		name string
		s    setting
		diff ProfileDiff
		want bool
	}{
		{"GOGC, GC rose", gogc, ProfileDiff{Runtime: RuntimeDelta{GC: rose}}, true},
		{"GOGC, GC flat", gogc, ProfileDiff{Runtime: RuntimeDelta{GC: flat}}, false},
		{"GOGC, the scheduler rose", gogc, ProfileDiff{Runtime: RuntimeDelta{Scheduler: rose}}, false},
		{"bump, its package rose", dep, ProfileDiff{Libraries: []ShareDelta{{Name: "example.com/fastjson/decode", Delta: 0.03, Z: 5}}}, true},
		{"bump, another module rose", dep, ProfileDiff{Libraries: []ShareDelta{{Name: "example.com/fastjsonx", Delta: 0.03, Z: 5}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEvidence(ProfileDiffResult{ProfileDiff: tt.diff}, nil, nil, "")
			if credit, _ := e.settingLink(tt.s); (credit > 0) != tt.want {
				t.Errorf("credit = %v, want linked %v", credit, tt.want)
			}
		})
	}
}
