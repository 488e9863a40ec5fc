package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

func hiddenCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "hidden",
		Usage:     "hidden debt (隐性债务): stock, plan and resolution to date, and budgets against execution",
		UsageText: "debtledger hidden --unit 6523 --year 2023 --as-of 2023-06-30 --yuan-unit yi",
		Flags:     []cli.Flag{unitFlag, yearFlag, asOfFlag},
		Action: e.withUnitQuery(true, func(c *cli.Context, q *unitQuery) error {
			unit, asOf, year := q.unit, q.asOf, q.year
			hr := q.book.HiddenReport(unit, year, asOf)
			ex := q.book.Execution(unit, year, asOf)
			if c.String("format") == "json" {
				return writeJSON(e.stdout, map[string]any{"hidden": hr, "execution": ex})
			}
			g := &grid{header: []string{"unit", "name", "stock", "unresolved", "planned", "resolved", "vs plan", "vs stock"}}
			for _, l := range append(hr.Units, hr.Total) {
				u := l.Unit
				if u == "" {
					u = "total"
				}
				g.add(u, l.Name, l.Stock, l.Unresolved, l.Planned, l.Resolved, percentText(l.VsPlan), percentText(l.VsStock))
			}
			if err := g.print(c, e.stdout); err != nil {
				return err
			}
			if c.String("format") == "csv" {
				return nil
			}
			fmt.Fprintln(e.stdout)
			g = &grid{header: []string{"unit", "name", "debt service budget", "paid", "progress", "resolution budget", "resolved", "progress"}}
			for _, l := range append(ex.Units, ex.Total) {
				u := l.Unit
				if u == "" {
					u = "total"
				}
				g.add(u, l.Name, l.DebtService.Budget, l.DebtService.Executed, percentText(l.DebtService.Progress),
					l.HiddenResolution.Budget, l.HiddenResolution.Executed, percentText(l.HiddenResolution.Progress))
			}
			return g.print(c, e.stdout)
		}),
	}
}
