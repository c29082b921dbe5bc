package document

import (
	"bytes"
	"fmt"
	"image/color"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Bars is one panel of a chart: a horizontal bar for each label, on an axis from 0 to Max.
// Labels are data (question texts, names); what the chart shows is said in its caption.
type Bars struct {
	Labels []string
	Values []float64
	Max    float64
}

// Chart sizes, in points: wide and tall enough to read on a phone once Telegram scales the
// photo to the screen's width.
const (
	chartWidth = 600
	barHeight  = 24
	panelExtra = 40 // the axis
)

// ChartPNG draws the panels as one chart, one under the other with a gap between them and a
// common axis, as a PNG image.
func ChartPNG(panels ...Bars) ([]byte, error) {
	var all Bars
	for _, p := range panels {
		if len(p.Values) == 0 {
			continue
		}
		if len(all.Values) > 0 {
			all.Labels, all.Values = append(all.Labels, ""), append(all.Values, gap)
		}
		all.Labels, all.Values = append(all.Labels, p.Labels...), append(all.Values, p.Values...)
		all.Max = max(all.Max, p.Max)
	}
	if len(all.Values) == 0 {
		return nil, fmt.Errorf("chart: nothing to draw")
	}
	pl, err := barPlot(all)
	if err != nil {
		return nil, err
	}
	img := vgimg.NewWith(vgimg.UseWH(chartWidth, vg.Length(panelExtra+barHeight*len(all.Values))), vgimg.UseDPI(144))
	dc := draw.New(img)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	pl.Draw(dc)
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart png: %w", err)
	}
	return buf.Bytes(), nil
}

// gap marks the empty row between two panels.
const gap = -1

// barPlot draws the bars, the first label at the top, each bar with its value beside it.
func barPlot(b Bars) (*plot.Plot, error) {
	n := len(b.Values)
	values := make(plotter.Values, n)
	labels := make([]string, n)
	for i := range b.Values {
		values[n-1-i], labels[n-1-i] = max(b.Values[i], 0), b.Labels[i] // bottom-up on the axis
	}
	p := plot.New()
	p.X.Min, p.X.Max = 0, b.Max+0.7 // room for the value after the longest bar
	p.X.Tick.Label.Font.Size = 8
	var ticks []plot.Tick
	for v := 0; v <= int(b.Max); v++ {
		ticks = append(ticks, plot.Tick{Value: float64(v), Label: strconv.Itoa(v)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.Y.Tick.Label.Font.Size = 9
	p.NominalY(labels...)
	bars, err := plotter.NewBarChart(values, vg.Points(barHeight*0.65))
	if err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	bars.Horizontal = true
	bars.Color = color.RGBA{R: 0x1f, G: 0x6f, B: 0xb5, A: 0xff}
	bars.LineStyle.Width = 0
	p.Add(bars)
	var xys plotter.XYs
	var text []string
	for i := range values {
		if b.Values[n-1-i] == gap {
			continue
		}
		xys = append(xys, plotter.XY{X: values[i] + 0.05, Y: float64(i)})
		text = append(text, Decimal(values[i]))
	}
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: text})
	if err != nil {
		return nil, fmt.Errorf("chart labels: %w", err)
	}
	for i := range l.TextStyle {
		l.TextStyle[i].Font.Size = 9
		l.TextStyle[i].YAlign = draw.YCenter
	}
	p.Add(l)
	return p, nil
}

// Decimal writes a figure the Indonesian way, with a decimal comma.
func Decimal(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	return s[:len(s)-3] + "," + s[len(s)-2:]
}
