package main

import (
	"fmt"
	"github.com/debtledger/debtledger/quota"
	"github.com/urfave/cli/v2"
)

func balanceCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "balance",
		Usage:     "statutory debt outstanding (法定债务余额) at the end of a date, own and subtree",
		UsageText: "debtledger balance --unit 6523 --as-of 2023-06-30 --by unit --yuan-unit yi",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "unit", Usage: "unit code (default: the root)"},
			&cli.StringFlag{Name: "as-of", Usage: "YYYY-MM-DD (default: today)"},
			&cli.StringFlag{Name: "by", Usage: "also list each unit of the subtree (unit) or the unit's bonds (bond)"},
		},
		Action: func(c *cli.Context) error {
			q, err := e.queryTree(c)
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
			by := c.String("by")
			if by != "" && by != "unit" && by != "bond" {
				return ledgerInput(c, "balance: --by %q: want unit or bond", by)
			}
			// Balance reads only outstanding principal: the unit's own and
			// its subtree's, two small records at any size of ledger, and
			// every subtree unit's own only when they are listed.
			units := []string{unit}
			if by == "unit" {
				units = q.book.Quota.Subtree(unit)
			}
			err = q.needPrincipal(unit, units)
			if err == nil && by == "bond" {
				err = q.book.NeedUnits(unit)
			}
			if err != nil {
				return ledgerFault(q.ledger, fmt.Errorf("%w (run debtledger check)", err))
			}
			r := q.book.Balance(unit, asOf, by)
			if c.String("format") == "json" {
				return writeJSON(e.stdout, r)
			}
			g := &grid{header: []string{"scope", "unit", "name", "general", "special", "total"}}
			name := q.book.Quota.Units[unit].Name
			g.add("own", unit, name, r.Own.General, r.Own.Special, r.Own.Total)
			g.add("subtree", unit, name, r.Subtree.General, r.Subtree.Special, r.Subtree.Total)
			switch by {
			case "unit":
				g = &grid{header: []string{"unit", "name", "general", "special", "total"}}
				for _, u := range r.Units {
					g.add(u.Unit, u.Name, u.General, u.Special, u.Total)
				}
				g.add("subtree", name, r.Subtree.General, r.Subtree.Special, r.Subtree.Total)
			case "bond":
				g = &grid{header: []string{"bond", "kind", "principal"}}
				for _, b := range r.Bonds {
					g.add(b.Bond, b.Kind, b.Principal)
				}
				g.add("own", "", r.Own.Total)
			}
			return g.print(c, e.stdout)
		},
	}
}

// yearArg reads --year, defaulting to def's year.
func yearArg(c *cli.Context, def quota.Date) (int, error) {
	if !c.IsSet("year") {
		return def.Year(), nil
	}
	y := c.Int("year")
	if y < 1 || y > 9999 {
		return 0, ledgerInput(c, "--year %d: want a year", y)
	}
	return y, nil
}
