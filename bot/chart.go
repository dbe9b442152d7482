package bot

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Chart sizes, in pixels: the picture, and the margins around the plot
// that hold the title, the axes' labels and the legend.
const (
	chartW, chartH = 800, 320
	padLeft        = 72
	padRight       = 20
	padTop         = 36
	padBottom      = 40
)

// Mark is a labelled moment on a chart, such as a deploy.
type Mark struct {
	// T is when.
	T time.Time
	// Label names it: "v1.2.0".
	Label string
}

// ChartSpec is what a chart shows.
type ChartSpec struct {
	// Title is written above the plot.
	Title string
	// Samples are the series, in any order.
	Samples []Point
	// Change is the change point, marked in red; zero for none.
	Change time.Time
	// Before and After are the levels either side of Change, drawn dashed.
	Before, After float64
	// Deploys are marked as green dashed lines with their labels.
	Deploys []Mark
	// Metric says how values are written on the value axis.
	Metric MetricInfo
	// Location is the time zone of the time axis; nil means UTC.
	Location *time.Location
}

// Chart draws samples as a line chart with the change and the levels
// marked, without text; DrawChart draws a full one.
func Chart(samples []Point, change time.Time, before, after float64) ([]byte, error) {
	return DrawChart(ChartSpec{Samples: samples, Change: change, Before: before, After: after})
}

// chartColors are the chart's palette.
type chartColors struct{ bg, grid, axis, text, series, change, level, deploy color.RGBA }

func palette() chartColors {
	return chartColors{
		bg: color.RGBA{255, 255, 255, 255}, grid: color.RGBA{232, 232, 232, 255}, axis: color.RGBA{90, 90, 90, 255},
		text: color.RGBA{40, 40, 40, 255}, series: color.RGBA{31, 119, 180, 255}, change: color.RGBA{214, 39, 40, 255},
		level: color.RGBA{120, 120, 120, 255}, deploy: color.RGBA{44, 160, 44, 255},
	}
}

// DrawChart draws a line chart as a PNG: the series in blue over labelled
// value and time axes (the value axis in the metric's unit, the time axis
// in the spec's time zone), the change time as a red line, the levels
// before and after it as grey dashed lines, and deploys as green dashed
// lines with their labels. It uses the standard library's image/png and
// x/image's fixed 7x13 font, so charts look the same wherever they are
// drawn and need no font files.
func DrawChart(s ChartSpec) ([]byte, error) {
	col := palette()
	if len(s.Samples) < 2 {
		return nil, errors.New("draw chart: need at least two samples")
	}
	loc := s.Location
	if loc == nil {
		loc = time.UTC
	}
	t0, t1 := s.Samples[0].T, s.Samples[len(s.Samples)-1].T
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range s.Samples {
		if p.T.Before(t0) {
			t0 = p.T
		}
		if p.T.After(t1) {
			t1 = p.T
		}
		if !math.IsNaN(p.V) && !math.IsInf(p.V, 0) {
			lo, hi = min(lo, p.V), max(hi, p.V)
		}
	}
	if math.IsInf(lo, 0) || !t1.After(t0) {
		return nil, errors.New("draw chart: no finite values over a time span")
	}
	if hi == lo {
		lo, hi = lo-1, hi+1
	}
	margin := (hi - lo) * 0.08
	lo, hi = lo-margin, hi+margin
	left, right, top, bottom := padLeft, chartW-padRight, padTop, chartH-padBottom
	span := t1.Sub(t0).Seconds()
	x := func(t time.Time) int {
		return left + int(math.Round(t.Sub(t0).Seconds()/span*float64(right-left)))
	}
	y := func(v float64) int {
		return bottom - int(math.Round((v-lo)/(hi-lo)*float64(bottom-top)))
	}
	inside := func(px int) bool { return px >= left && px <= right }
	img := image.NewRGBA(image.Rect(0, 0, chartW, chartH))
	fill(img, col.bg)

	// Value axis: five gridlines, labelled in the metric's unit.
	for i := 0; i <= 4; i++ {
		v := lo + (hi-lo)*float64(i)/4
		gy := y(v)
		line(img, left, gy, right, gy, col.grid, 1, 0)
		label := s.Metric.Value(v)
		text(img, left-8-textWidth(label), gy+4, label, col.text)
	}
	// Time axis: ticks at a round step, labelled in the time zone.
	step, layout := timeStep(t1.Sub(t0))
	for t := t0.In(loc).Truncate(step); !t.After(t1); t = t.Add(step) {
		if t.Before(t0) {
			continue
		}
		tx := x(t)
		line(img, tx, top, tx, bottom, col.grid, 1, 0)
		line(img, tx, bottom, tx, bottom+4, col.axis, 1, 0)
		label := t.In(loc).Format(layout)
		text(img, tx-textWidth(label)/2, bottom+17, label, col.text)
	}
	zone := "time (" + t1.In(loc).Format("MST") + ")"
	text(img, right-textWidth(zone), chartH-6, zone, col.axis)
	line(img, left, top, left, bottom, col.axis, 1, 0)
	line(img, left, bottom, right, bottom, col.axis, 1, 0)

	for _, d := range s.Deploys {
		if dx := x(d.T); inside(dx) {
			line(img, dx, top, dx, bottom, col.deploy, 1, 4)
			text(img, dx+3, top+12, d.Label, col.deploy)
		}
	}
	legend := ""
	if cx := x(s.Change); !s.Change.IsZero() && inside(cx) {
		line(img, left, y(s.Before), cx, y(s.Before), col.level, 1, 6)
		line(img, cx, y(s.After), right, y(s.After), col.level, 1, 6)
		line(img, cx, top, cx, bottom, col.change, 2, 0)
		at := "change " + s.Change.In(loc).Format("15:04")
		tx := cx + 4
		if tx+textWidth(at) > right {
			tx = cx - 4 - textWidth(at)
		}
		text(img, tx, bottom-6, at, col.change)
		legend = "before " + s.Metric.Value(s.Before) + "  after " + s.Metric.Value(s.After)
	}
	var px, py int
	have := false
	for _, p := range s.Samples {
		if math.IsNaN(p.V) || math.IsInf(p.V, 0) {
			have = false
			continue
		}
		nx, ny := x(p.T), y(p.V)
		if have {
			line(img, px, py, nx, ny, col.series, 2, 0)
		}
		px, py, have = nx, ny, true
	}
	text(img, left, 20, s.Title, col.text)
	if legend != "" {
		text(img, right-textWidth(legend), 20, legend, col.level)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode chart: %w", err)
	}
	return buf.Bytes(), nil
}

// timeStep picks a round tick step for a time span, for about six ticks,
// and the layout of their labels.
func timeStep(span time.Duration) (time.Duration, string) {
	for _, s := range []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute,
		time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour} {
		if span/s <= 8 {
			if span > 20*time.Hour {
				return s, "Jan 2 15:04"
			}
			return s, "15:04"
		}
	}
	for _, d := range []int{1, 2, 7, 14, 30} {
		if s := time.Duration(d) * 24 * time.Hour; span/s <= 8 {
			return s, "Jan 2"
		}
	}
	return 90 * 24 * time.Hour, "Jan 2006"
}

// text writes s with its baseline at (x, y).
func text(img *image.RGBA, x, y int, s string, c color.RGBA) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(ascii(s))
}

// textWidth is how wide s is written, in pixels.
func textWidth(s string) int {
	return font.MeasureString(basicfont.Face7x13, ascii(s)).Round()
}

// ascii spells the few non-ASCII letters charts use in ASCII, which is
// all the fixed font has: "µs" is written "us".
func ascii(s string) string {
	return strings.NewReplacer("µ", "u", "→", "->", "≈", "~").Replace(s)
}

func fill(img *image.RGBA, c color.RGBA) {
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
}

// line draws from (x0,y0) to (x1,y1) with Bresenham's algorithm, width
// pixels thick, dashed every dash pixels when dash > 0.
func line(img *image.RGBA, x0, y0, x1, y1 int, c color.RGBA, width, dash int) {
	dx, dy := iabs(x1-x0), -iabs(y1-y0)
	sx, sy := sign(x1-x0), sign(y1-y0)
	e := dx + dy
	for n := 0; ; n++ {
		if dash == 0 || (n/dash)%2 == 0 {
			for w := 0; w < width; w++ {
				img.SetRGBA(x0+w*iabs(sy), y0+w*iabs(sx), c)
			}
		}
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * e
		if e2 >= dy {
			e += dy
			x0 += sx
		}
		if e2 <= dx {
			e += dx
			y0 += sy
		}
	}
}

func iabs(a int) int {
	if a < 0 {
		return -a
	}
	return a
}

func sign(a int) int {
	switch {
	case a < 0:
		return -1
	case a > 0:
		return 1
	}
	return 0
}
