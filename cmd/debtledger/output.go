package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/debtledger/debtledger/quota"
	"github.com/shopspring/decimal"
	"github.com/urfave/cli/v2"
)

// grid is a query's rows for table or CSV output. Amount cells are kept as
// decimals so that tables can show them in 万元 or 亿元 while CSV stays in
// yuan (SPEC §1).
type grid struct {
	header []string
	rows   [][]any // string, int, decimal.Decimal or quota.Money
}

func (g *grid) add(cells ...any) { g.rows = append(g.rows, cells) }

// print writes the grid as a table or CSV, per --format and --yuan-unit.
func (g *grid) print(c *cli.Context, w io.Writer) error {
	if c.String("format") == "csv" {
		fmt.Fprintln(w, strings.Join(g.header, ","))
		for _, r := range g.rows {
			cells := make([]string, len(r))
			for i, v := range r {
				cells[i] = csvText(cellText(v, "yuan"))
			}
			fmt.Fprintln(w, strings.Join(cells, ","))
		}
		return nil
	}
	unit := c.String("yuan-unit")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	header := append([]string(nil), g.header...)
	if unit != "yuan" {
		for i, h := range header {
			if g.isAmountColumn(i) {
				header[i] = h + " (" + map[string]string{"wan": "万元", "yi": "亿元"}[unit] + ")"
			}
		}
	}
	fmt.Fprintln(tw, strings.Join(header, "\t")+"\t")
	for _, r := range g.rows {
		cells := make([]string, len(r))
		for i, v := range r {
			cells[i] = cellText(v, unit)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	return tw.Flush()
}

func (g *grid) isAmountColumn(i int) bool {
	for _, r := range g.rows {
		switch r[i].(type) {
		case decimal.Decimal, quota.Money:
			return true
		}
	}
	return false
}

func cellText(v any, unit string) string {
	switch x := v.(type) {
	case decimal.Decimal:
		return quota.FormatIn(x, unit)
	case quota.Money:
		return quota.FormatIn(x.Decimal, unit)
	case int:
		return fmt.Sprint(x)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// percentText shows a percent money value as "12.34%".
func percentText(p quota.Percent) string { return p.StringFixed(2) + "%" }
