package main

import (
	"github.com/urfave/cli/v2"
)

func quotaCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "quota",
		Usage:     "a unit's quota for a year: received, passed down, own, used, remaining, and its limit against its balance",
		UsageText: "debtledger quota --unit 652301 --year 2023 --as-of 2023-06-30 --format json",
		Flags:     []cli.Flag{unitFlag, yearFlag, asOfFlag},
		Action: e.withUnitQuery(false, func(c *cli.Context, q *unitQuery) error {
			unit, asOf, year := q.unit, q.asOf, q.year
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
		}),
	}
}
