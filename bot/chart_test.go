package bot_test

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/bot"
)

var update = flag.Bool("update", false, "rewrite docs/alert-chart.png, the chart the README shows")

// sampleChart is a day of CPU per request, 56 µs stepping to 65 µs at
// 14:00 with the deploy of v1.2.0 two minutes before.
func sampleChart() bot.ChartSpec {
	start := time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC)
	change := start.Add(14 * time.Hour)
	var pts []bot.Point
	for i := range 24 * 12 {
		t := start.Add(time.Duration(i) * 5 * time.Minute)
		v := 56e-6
		if !t.Before(change) {
			v = 65e-6
		}
		v += 1.5e-6 * math.Sin(float64(i)*0.7)
		pts = append(pts, bot.Point{T: t, V: v})
	}
	return bot.ChartSpec{
		Title: "checkout: CPU per request (R-1)", Samples: pts, Change: change, Before: 56e-6, After: 65e-6,
		Deploys: []bot.Mark{{T: start.Add(6 * time.Hour), Label: "v1.1.0"}, {T: change.Add(-2 * time.Minute), Label: "v1.2.0"}},
		Metric:  bot.MetricInfo{Display: "CPU per request", Unit: bot.UnitSeconds},
	}
}

func TestDrawChart(t *testing.T) {
	spec := sampleChart()
	b, err := bot.DrawChart(spec)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(filepath.Join("..", "docs", "alert-chart.png"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode chart: %v", err)
	}
	if got := img.Bounds().Size(); got.X < 600 || got.Y < 240 {
		t.Fatalf("chart is %v, want at least 600x240", got)
	}
	count := func(r image.Rectangle, want color.RGBA) int {
		n := 0
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				if c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA); c == want {
					n++
				}
			}
		}
		return n
	}
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	plot := image.Rect(72, 36, w-20, h-40)
	series, change, deploy := color.RGBA{31, 119, 180, 255}, color.RGBA{214, 39, 40, 255}, color.RGBA{44, 160, 44, 255}
	for _, tc := range []struct {
		what  string
		where image.Rectangle
		col   color.RGBA
		least int
	}{
		{"the series in the plot area", plot, series, 500},
		{"the change line", plot, change, 150},
		{"the deploy markers", plot, deploy, 100},
		{"value labels left of the plot", image.Rect(0, 36, 72, h-40), color.RGBA{40, 40, 40, 255}, 100},
		{"time labels under the plot", image.Rect(72, h-40, w, h), color.RGBA{40, 40, 40, 255}, 100},
		{"the title above the plot", image.Rect(0, 0, w, 36), color.RGBA{40, 40, 40, 255}, 100},
	} {
		if n := count(tc.where, tc.col); n < tc.least {
			t.Errorf("%s: %d pixels, want at least %d", tc.what, n, tc.least)
		}
	}
	// Nothing of the series is drawn outside the plot area.
	if n := count(image.Rect(0, 0, 72, h), series); n > 0 {
		t.Errorf("%d series pixels left of the plot", n)
	}
}

func TestDrawChartRefusesEmpty(t *testing.T) {
	for name, pts := range map[string][]bot.Point{
		"none":    nil,
		"one":     {{T: time.Unix(0, 0), V: 1}},
		"no span": {{T: time.Unix(0, 0), V: 1}, {T: time.Unix(0, 0), V: 2}},
		"all NaN": {{T: time.Unix(0, 0), V: math.NaN()}, {T: time.Unix(60, 0), V: math.NaN()}},
	} {
		if _, err := bot.DrawChart(bot.ChartSpec{Samples: pts}); err == nil {
			t.Errorf("%s: drew a chart", name)
		}
	}
}

// BenchmarkDrawChart draws the README's chart: a day at five minutes.
func BenchmarkDrawChart(b *testing.B) {
	spec := sampleChart()
	for b.Loop() {
		if _, err := bot.DrawChart(spec); err != nil {
			b.Fatal(err)
		}
	}
}
