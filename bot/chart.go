package bot

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"time"
)

// Chart sizes, in pixels.
const (
	chartW, chartH = 720, 240
	chartPad       = 16
)

// Chart draws samples as a line chart and returns it as a PNG: the series
// in blue, the change time as a red vertical line, and the levels before
// and after as grey dashed lines either side of it. It uses only the
// standard library; the chart has no text, the alert around it has.
func Chart(samples []Point, change time.Time, before, after float64) ([]byte, error) {
	var (
		colBG     = color.RGBA{255, 255, 255, 255}
		colGrid   = color.RGBA{232, 232, 232, 255}
		colSeries = color.RGBA{31, 119, 180, 255}
		colChange = color.RGBA{214, 39, 40, 255}
		colLevel  = color.RGBA{120, 120, 120, 255}
	)
	if len(samples) < 2 {
		return nil, errors.New("draw chart: need at least two samples")
	}
	t0, t1 := samples[0].T, samples[len(samples)-1].T
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range samples {
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
	span := t1.Sub(t0).Seconds()
	x := func(t time.Time) int {
		return chartPad + int(math.Round(t.Sub(t0).Seconds()/span*float64(chartW-2*chartPad)))
	}
	y := func(v float64) int {
		return chartH - chartPad - int(math.Round((v-lo)/(hi-lo)*float64(chartH-2*chartPad)))
	}
	img := image.NewRGBA(image.Rect(0, 0, chartW, chartH))
	fill(img, colBG)
	for i := 0; i <= 4; i++ {
		gy := chartPad + i*(chartH-2*chartPad)/4
		line(img, chartPad, gy, chartW-chartPad, gy, colGrid, 1, 0)
	}
	cx := x(change)
	if !change.IsZero() && cx >= chartPad && cx <= chartW-chartPad {
		line(img, chartPad, y(before), cx, y(before), colLevel, 1, 6)
		line(img, cx, y(after), chartW-chartPad, y(after), colLevel, 1, 6)
		line(img, cx, chartPad, cx, chartH-chartPad, colChange, 2, 0)
	}
	var px, py int
	have := false
	for _, p := range samples {
		if math.IsNaN(p.V) || math.IsInf(p.V, 0) {
			have = false
			continue
		}
		nx, ny := x(p.T), y(p.V)
		if have {
			line(img, px, py, nx, ny, colSeries, 2, 0)
		}
		px, py, have = nx, ny, true
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode chart: %w", err)
	}
	return buf.Bytes(), nil
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
