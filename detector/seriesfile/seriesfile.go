// Package seriesfile reads a file of metric series in any format the
// detector's sources read — a saved Prometheus query_range response, CSV
// (time,value) or the TCPD benchmark's JSON — telling the format from the
// file's name and first bytes when it is not given.
package seriesfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/detector/csvseries"
	"github.com/wattson-dev/wattson/detector/prom"
	"github.com/wattson-dev/wattson/detector/tcpd"
)

// The formats Read reads.
const (
	Prom = "prom"
	CSV  = "csv"
	TCPD = "tcpd"
)

// ErrFormat is returned for a format Read does not know.
var ErrFormat = errors.New("unknown series file format (want prom, csv or tcpd)")

// Read reads the series in path, in format, or the format Sniff finds
// when format is empty. A file of more than maxPoints points in all (0: no
// limit) is refused with an error wrapping detector.ErrTooManyPoints; the
// query_range and CSV readers refuse it before building the series.
func Read(path, format string, maxPoints int) ([]detector.Series, error) {
	if format == "" {
		f, err := Sniff(path)
		if err != nil {
			return nil, err
		}
		format = f
	}
	switch format {
	case Prom:
		return prom.ReadFileLimit(path, maxPoints)
	case CSV:
		s, err := csvseries.ReadFileLimit(path, maxPoints)
		if err != nil {
			return nil, err
		}
		return []detector.Series{s}, nil
	case TCPD:
		d, err := tcpd.ReadFile(path)
		if err != nil {
			return nil, err
		}
		if n := detector.Points(d.Series); maxPoints > 0 && n > maxPoints {
			return nil, fmt.Errorf("read tcpd dataset %s: %d points, more than the limit of %d: %w", path, n, maxPoints, detector.ErrTooManyPoints)
		}
		return d.Series, nil
	}
	return nil, fmt.Errorf("read %s: %q: %w", path, format, ErrFormat)
}

// Sniff guesses a file's format: CSV by extension or a non-JSON start;
// TCPD when the JSON has "n_obs"; otherwise a query_range response.
func Sniff(path string) (string, error) {
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		return CSV, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read input: %w", err)
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	head = bytes.TrimSpace(head[:n])
	switch {
	case len(head) == 0:
		return "", fmt.Errorf("read input %s: file is empty", path)
	case head[0] != '{':
		return CSV, nil
	case bytes.Contains(head, []byte(`"n_obs"`)):
		return TCPD, nil
	}
	return Prom, nil
}
