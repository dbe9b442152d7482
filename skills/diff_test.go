package skills

import "testing"

const samplePatch = `@@ -1,4 +1,5 @@
 a
-b
+B
+B2
 c
 d
@@ -10,2 +10,0 @@
-x
-y`

func TestNewToOld(t *testing.T) {
	hs, err := parseHunks(samplePatch)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		n, old int
		added  bool
	}{
		{1, 1, false}, {2, 0, true}, {3, 0, true}, {4, 3, false}, {5, 4, false},
		{8, 7, false}, {10, 9, false}, {11, 12, false}, {12, 13, false},
	}
	for _, tt := range tests {
		old, added := newToOld(hs, tt.n)
		if old != tt.old || added != tt.added {
			t.Errorf("newToOld(%d) = %d, %v; want %d, %v", tt.n, old, added, tt.old, tt.added)
		}
	}
}

func TestBlameLooksThroughRenames(t *testing.T) {
	changes := []Change{
		{SHA: "c1", Files: []FileChange{{Path: "f.go", OldPath: "f.go", Status: "modified",
			Patch: "@@ -1,2 +1,2 @@\n func f() {\n-\treturn slow()\n+\treturn fast()\n"}}},
		{SHA: "c2", Files: []FileChange{{Path: "f.go", OldPath: "f.go", Status: "modified",
			Patch: "@@ -1,3 +1,3 @@\n-func f() {\n+func g() {\n \treturn fast()\n-}\n+} // g\n"}},
		// the rename recurs on a second line so it reads as a rename
		},
	}
	changes[1].Files = append(changes[1].Files, FileChange{Path: "h.go", OldPath: "h.go", Status: "modified",
		Patch: "@@ -1,1 +1,1 @@\n-var x = f\n+var x = g\n"})
	b, err := blame(changes, "f.go", []int{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if b[1] != "" {
		t.Errorf("line 1 (renamed only) blamed on %q, want older than the range", b[1])
	}
	if b[2] != "c1" {
		t.Errorf("line 2 blamed on %q, want c1", b[2])
	}
	if b[3] != "" {
		t.Errorf("line 3 (comment only) blamed on %q, want older than the range", b[3])
	}
}

func TestIdentOnlyDiff(t *testing.T) {
	if _, ok := identOnlyDiff("s.engine.Compute(x)", "a.engine.Compute(x)"); !ok {
		t.Error("receiver rename not recognised")
	}
	if _, ok := identOnlyDiff("hasTag(item.Tags, r.Tag)", "tags.has(r.Tag)"); ok {
		t.Error("structural change taken for a rename")
	}
	if _, ok := identOnlyDiff("n := 1", "n := 2"); ok {
		t.Error("literal change taken for a rename")
	}
}

func FuzzParseHunks(f *testing.F) {
	f.Add(samplePatch)
	f.Add("@@ -0,0 +1,3 @@\n+a\n+b\n+c")
	f.Add("@@ -1 +1 @@\n-a\n+b\n\\ No newline at end of file")
	f.Add("@@ bogus @@")
	f.Fuzz(func(t *testing.T, patch string) {
		hs, err := parseHunks(patch)
		if err != nil {
			return
		}
		for n := 1; n < 50; n++ {
			newToOld(hs, n) // must not panic
		}
		blame([]Change{{SHA: "c", Files: []FileChange{{Path: "f.go", OldPath: "f.go", Patch: patch}}}}, "f.go", []int{1, 2, 3})
	})
}
