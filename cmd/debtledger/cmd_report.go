package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

func reportCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "the budget-execution summary of a unit's subtree for a period",
		UsageText: "debtledger report --unit 6523 --from 2023-01-01 --to 2023-06-30 --lang zh",
		Flags: []cli.Flag{unitFlag,
			&cli.StringFlag{Name: "from", Usage: "first day YYYY-MM-DD (required)"},
			&cli.StringFlag{Name: "to", Usage: "last day YYYY-MM-DD (required)"},
		},
		Action: func(c *cli.Context) error {
			if err := need(c, "from", "to"); err != nil {
				return err
			}
			q, err := e.openUnitQuery(c, true)
			if err != nil {
				return err
			}
			defer q.ledger.Close()
			unit := q.unit
			from, err := dateArg(c, "from", 0)
			if err != nil {
				return err
			}
			to, err := dateArg(c, "to", 0)
			if err != nil {
				return err
			}
			if from > to {
				return ledgerInput(c, "report: --from %s is after --to %s", from, to)
			}
			r := q.book.Report(unit, from, to)
			switch {
			case c.String("format") == "json":
				return writeJSON(e.stdout, r)
			case c.String("lang") == "zh":
				fmt.Fprintln(e.stdout, r.Prose("zh", q.book))
				return nil
			}
			g := &grid{header: []string{"figure", "amount"}}
			g.add("quota.general", r.Quota.General)
			g.add("quota.special", r.Quota.Special)
			g.add("quota.refinancing", r.Quota.Refinancing)
			g.add("received.new_general", r.Received.NewGeneral)
			g.add("received.new_special", r.Received.NewSpecial)
			g.add("received.refinancing", r.Received.Refinancing)
			g.add("received.total", r.Received.Total)
			g.add("received.batches", r.Received.Batches)
			g.add("projects.general", r.Projects.General)
			g.add("projects.special", r.Projects.Special)
			g.add("repaid.principal", r.Repaid.Principal)
			g.add("repaid.interest", r.Repaid.Interest)
			g.add("repaid.fee", r.Repaid.Fee)
			g.add("repaid.total", r.Repaid.Total)
			g.add("balance.end", r.Balance.End)
			g.add("debt_service.budget", r.DebtService.Budget)
			g.add("hidden.budget", r.Hidden.Budget)
			g.add("hidden.planned", r.Hidden.Planned)
			g.add("hidden.resolved", r.Hidden.Resolved)
			g.add("bond_funds.allocated", r.BondFunds.Allocated)
			g.add("bond_funds.spent", r.BondFunds.Spent)
			if c.String("format") != "csv" { // CSV is the rows alone
				fmt.Fprintf(e.stdout, "report of %s %s (subtree), %s to %s\n", unit, q.book.Quota.Units[unit].Name, from, to)
			}
			return g.print(c, e.stdout)
		},
	}
}
