package main

import (
	"fmt"
	"image/color"

	"github.com/debtledger/debtledger/debt"
	"github.com/shopspring/decimal"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

var yi = decimal.New(1, 8)

// writeChart draws the maturity profile: principal and interest due per
// year, stacked, in 亿元. Amounts become floats only here, to be drawn.
func writeChart(path string, force bool, unit string, rows []debt.ScheduleRow) error {
	format, err := chartFormat(path)
	if err != nil {
		return badInput("schedule: --chart %v", err)
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Maturity profile of %s (principal and interest due, 100 million yuan)", unit)
	p.Y.Label.Text = "100 million yuan (亿元)"
	principal, interest := make(plotter.Values, len(rows)), make(plotter.Values, len(rows))
	labels := make([]string, len(rows))
	for i, r := range rows {
		principal[i], _ = r.Principal.Div(yi).Float64()
		interest[i], _ = r.Interest.Div(yi).Float64()
		labels[i] = r.Period
	}
	if len(rows) == 0 {
		principal, interest, labels = plotter.Values{0}, plotter.Values{0}, []string{"none"}
	}
	w := vg.Points(14)
	pb, err := plotter.NewBarChart(principal, w)
	if err != nil {
		return badInput("schedule: chart: %v", err)
	}
	pb.Color = color.RGBA{R: 31, G: 119, B: 180, A: 255}
	ib, err := plotter.NewBarChart(interest, w)
	if err != nil {
		return badInput("schedule: chart: %v", err)
	}
	ib.Color = color.RGBA{R: 255, G: 127, B: 14, A: 255}
	ib.StackOn(pb)
	p.Add(pb, ib)
	p.Legend.Add("principal", pb)
	p.Legend.Add("interest", ib)
	p.Legend.Top = true
	p.NominalX(labels...)
	p.X.Tick.Label.Rotation = 1.2
	p.X.Tick.Label.XAlign = -0.9
	width := vg.Length(len(rows)+4) * 22
	if width < 12*vg.Centimeter {
		width = 12 * vg.Centimeter
	}
	wt, err := p.WriterTo(width, 10*vg.Centimeter, format)
	if err != nil {
		return badInput("schedule: chart: %v", err)
	}
	f, err := createOut(path, force)
	if err != nil {
		return err
	}
	if _, err := wt.WriteTo(f); err != nil {
		f.Close()
		return badInput("%s: %v", path, err)
	}
	return f.Close()
}
