package prom

import (
	"fmt"
	"strings"
	"testing"
)

// TestDecodeSeriesList: a series listing becomes counts of each label's
// values, a series without a label counting under "", with the answer's
// warnings; an error answer keeps its type and message.
func TestDecodeSeriesList(t *testing.T) {
	in := `{"status":"success","data":[
		{"__name__":"cpu","instance":"a","zone":"x"},
		{"__name__":"cpu","instance":"b","zone":"x"},
		{"__name__":"cpu","instance":"c"}
	],"warnings":["partial response: store gateway 2 unavailable"]}`
	c, e, err := decodeSeriesList(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if c.series != 3 || fmt.Sprint(c.byName) != "map[__name__:map[cpu:3] instance:map[a:1 b:1 c:1] zone:map[:1 x:2]]" {
		t.Errorf("counts %d series %v", c.series, c.byName)
	}
	if e.status != "success" || fmt.Sprint(e.warnings) != "[partial response: store gateway 2 unavailable]" {
		t.Errorf("envelope %+v", e)
	}
	if label, groups := groupSeries(c, 2); label != "instance" || fmt.Sprint(groups) != "[{[a b] 2} {[c] 1}]" {
		t.Errorf("grouped by %s into %v, want instance [a b] [c]", label, groups)
	}
	_, e, err = decodeSeriesList(strings.NewReader(`{"status":"error","errorType":"execution","error":"too many series"}`))
	if err != nil || e.status != "error" || e.errorType != "execution" || e.error != "too many series" {
		t.Errorf("error answer: %+v, %v", e, err)
	}
	if _, _, err := decodeSeriesList(strings.NewReader(`{"status":"success","data":[{"a":1}]}`)); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("a label value that is not a string: %v, want a syntax error with its position", err)
	}
}
