package main

import (
	"github.com/urfave/cli/v2"
)

func quotaCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "quota",
		Usage:     "a unit's quota for a year: received, passed down, own, used, remaining, and its limit against its balance",
		UsageText: "debtledger quota --unit 652301 --year 2023 --as-of 2023-06-30 --format json",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "unit", Usage: "unit code (default: the root)"},
			&cli.IntFlag{Name: "year", Usage: "quota year (default: the year of --as-of)"},
			&cli.StringFlag{Name: "as-of", Usage: "count entries dated on or before YYYY-MM-DD (default: today)"},
		},
		Action: func(c *cli.Context) error {
			q, err := e.query(c)
			if err != nil {
				return err
			}
			defer q.ledger.Close()
			unit, err := q.unitArg(c)
			if err != nil {
				return err
			}
			asOf, err := dateArg(c, "as-of", e.today())
			if err != nil {
				return err
			}
			year, err := yearArg(c, asOf)
			if err != nil {
				return err
			}
			if err := q.need(unit, false); err != nil {
				return err
			}
			lines := q.book.QuotaStatus(unit, year, asOf)
			if c.String("format") == "json" {
				return writeJSON(e.stdout, map[string]any{"unit": unit, "year": year, "as_of": asOf.String(), "kinds": lines})
			}
			g := &grid{header: []string{"kind", "received", "passed_down", "own", "used", "remaining", "limit", "balance"}}
			for _, l := range lines {
				var limit, balance any
				if l.Limit != nil {
					limit = *l.Limit
				}
				if l.Balance != nil {
					balance = *l.Balance
				}
				g.add(l.Kind, l.Received, l.PassedDown, l.Own, l.Used, l.Remaining, limit, balance)
			}
			return g.print(c, e.stdout)
		},
	}
}
