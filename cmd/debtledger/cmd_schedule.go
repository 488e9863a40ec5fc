package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/debtledger/debtledger/debt"
	"github.com/urfave/cli/v2"
)

func scheduleCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "schedule",
		Usage:     "principal and interest falling due (还本付息计划), by month or year",
		UsageText: "debtledger schedule --unit 652301 --scope own --as-of 2023-06-30 --from 2023-07-01 --to 2025-12-31 --by month\ndebtledger schedule --by year --chart maturity.svg",
		Flags: []cli.Flag{
			unitFlag,
			&cli.StringFlag{Name: "scope", Usage: "own or subtree", Value: "subtree"},
			&cli.StringFlag{Name: "as-of", Usage: "flows strictly after this date on the principal outstanding at it (default: today)"},
			&cli.StringFlag{Name: "from", Usage: "only flows dated on or after YYYY-MM-DD"},
			&cli.StringFlag{Name: "to", Usage: "only flows dated on or before YYYY-MM-DD"},
			&cli.StringFlag{Name: "by", Usage: "month or year", Value: "month"},
			&cli.StringFlag{Name: "chart", Usage: "also draw the maturity profile by year to FILE.svg or FILE.png"},
			&cli.BoolFlag{Name: "force", Usage: "overwrite an existing chart file"},
		},
		Action: func(c *cli.Context) error {
			sq := debt.ScheduleQuery{}
			switch c.String("scope") {
			case "own":
			case "subtree":
				sq.Subtree = true
			default:
				return ledgerInput(c, "schedule: --scope %q: want own or subtree", c.String("scope"))
			}
			q, err := e.openUnitQuery(c, sq.Subtree)
			if err != nil {
				return err
			}
			defer q.ledger.Close()
			unit := q.unit
			sq.Unit, sq.AsOf = unit, q.asOf
			switch c.String("by") {
			case "month":
			case "year":
				sq.ByYear = true
			default:
				return ledgerInput(c, "schedule: --by %q: want month or year", c.String("by"))
			}
			if sq.From, err = dateArg(c, "from", 0); err != nil {
				return err
			}
			if sq.To, err = dateArg(c, "to", 0); err != nil {
				return err
			}
			if sq.From != 0 && sq.To != 0 && sq.From > sq.To {
				return ledgerInput(c, "schedule: --from %s is after --to %s", sq.From, sq.To)
			}
			rows := q.book.Schedule(sq)
			if path := c.String("chart"); path != "" {
				yearly := sq
				yearly.ByYear = true
				if err := writeChart(path, c.Bool("force"), unit, q.book.Schedule(yearly)); err != nil {
					return err
				}
			}
			if c.String("format") == "json" {
				if rows == nil {
					rows = []debt.ScheduleRow{}
				}
				return writeJSON(e.stdout, rows)
			}
			g := &grid{header: []string{"period", "principal", "interest", "total"}}
			for _, r := range rows {
				g.add(r.Period, r.Principal, r.Interest, r.Total)
			}
			return g.print(c, e.stdout)
		},
	}
}

// createOut creates an output file, refusing to overwrite without force.
func createOut(path string, force bool) (*os.File, error) {
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if !force {
		flags |= os.O_EXCL
	}
	f, err := os.OpenFile(path, flags, 0o600)
	if os.IsExist(err) {
		return nil, badInput("%s: already exists (use --force to overwrite)", path)
	}
	if err != nil {
		return nil, badInput("%s: cannot write: %v", path, err)
	}
	return f, nil
}

func chartFormat(path string) (string, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".svg", ".png":
		return ext[1:], nil
	}
	return "", fmt.Errorf("%s: want a .svg or .png file", path)
}
