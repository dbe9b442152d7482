package eval

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"text/tabwriter"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/detector/score"
	"github.com/wattson-dev/wattson/detector/tcpd"
)

// TCPDDatasets are the 25 univariate TCPD series scored by default: the
// paper's univariate set minus the download-only series,
// quality_control_* and uk_coal_employ.
func TCPDDatasets() []string {
	return []string{
		"bank", "brent_spot", "businv", "centralia", "children_per_woman",
		"co2_canada", "construction", "debt_ireland", "gdp_argentina",
		"gdp_croatia", "gdp_iran", "gdp_japan", "global_co2", "homeruns",
		"jfk_passengers", "lga_passengers", "nile", "ozone", "rail_lines",
		"seatbelts", "shanghai_license", "unemployment_nl", "us_population",
		"usd_isk", "well_log",
	}
}

// TCPDResult is the score of one dataset.
type TCPDResult struct {
	Name        string
	N           int
	Predicted   []int
	F1, Cover   float64
	Annotations int // annotators
}

// TCPDReport is the score over a set of TCPD datasets.
type TCPDReport struct {
	Results       []TCPDResult
	MeanF1, Cover float64
}

// TCPD runs the detector with opts on each named dataset under dir (nil:
// TCPDDatasets) and scores it with margin 5.
func TCPD(ctx context.Context, dir string, names []string, opts detector.Options) (TCPDReport, error) {
	if names == nil {
		names = TCPDDatasets()
	}
	ann, err := tcpd.ReadAnnotations(filepath.Join(dir, "annotations.json"))
	if err != nil {
		return TCPDReport{}, fmt.Errorf("evaluate tcpd: %w", err)
	}
	det := detector.New(opts)
	var rep TCPDReport
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return TCPDReport{}, fmt.Errorf("evaluate tcpd: %w", err)
		}
		ds, err := tcpd.ReadFile(filepath.Join(dir, "datasets", name, name+".json"))
		if err != nil {
			return TCPDReport{}, fmt.Errorf("evaluate tcpd: %w", err)
		}
		a, ok := ann[name]
		if !ok {
			return TCPDReport{}, fmt.Errorf("evaluate tcpd: no annotations for %s", name)
		}
		var sets [][]int
		for _, id := range sortedKeys(a) {
			sets = append(sets, a[id])
		}
		s := ds.Series[0]
		var pred []int
		for _, c := range det.Detect(s.Values, s.Times) {
			pred = append(pred, c.Index)
		}
		f, _, _ := score.F1(sets, pred, 5)
		r := TCPDResult{Name: name, N: len(s.Values), Predicted: pred, F1: f,
			Cover: score.Cover(sets, pred, len(s.Values)), Annotations: len(sets)}
		rep.Results = append(rep.Results, r)
		rep.MeanF1 += f / float64(len(names))
		rep.Cover += r.Cover / float64(len(names))
	}
	return rep, nil
}

// WriteTable prints one row per dataset and the means.
func (r TCPDReport) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "dataset\tn\tF1\tcover\tpredicted")
	for _, x := range r.Results {
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.3f\t%v\n", x.Name, x.N, x.F1, x.Cover, x.Predicted)
	}
	fmt.Fprintf(tw, "MEAN (%d datasets)\t\t%.3f\t%.3f\t\n", len(r.Results), r.MeanF1, r.Cover)
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write tcpd table: %w", err)
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
