package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

func projectsCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "projects",
		Usage:     "bond funds per project: allocated, spent, progress (支出进度)",
		UsageText: "debtledger projects --unit 652301 --sector 交通 --as-of 2023-06-30\ndebtledger projects --by sector --yuan-unit yi",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "unit", Usage: "projects of this unit's subtree (default: all)"},
			&cli.StringFlag{Name: "bond", Usage: "only funds of this bond"},
			&cli.StringFlag{Name: "sector", Usage: "only projects of this sector"},
			&cli.StringFlag{Name: "as-of", Usage: "YYYY-MM-DD (default: today)"},
			&cli.StringFlag{Name: "by", Usage: "summarise by sector or unit instead of listing projects"},
		},
		Action: func(c *cli.Context) error {
			q, err := e.query(c)
			if err != nil {
				return err
			}
			defer q.ledger.Close()
			unit := c.String("unit")
			if unit != "" {
				if unit, err = q.unitArg(c); err != nil {
					return err
				}
			}
			if b := c.String("bond"); b != "" && q.book.Bonds[b] == nil {
				return badInput("%s: bond %s is not registered", q.ledger.Path(), b)
			}
			asOf, err := dateArg(c, "as-of", e.today())
			if err != nil {
				return err
			}
			if err := q.need(unit, true); err != nil {
				return err
			}
			r := q.book.ProjectsReport(unit, c.String("bond"), c.String("sector"), asOf)
			by := c.String("by")
			switch by {
			case "", "sector", "unit":
			default:
				return ledgerInput(c, "projects: --by %q: want sector or unit", by)
			}
			if by != "" {
				groups := r.BySector()
				if by == "unit" {
					groups = r.ByUnit()
				}
				if c.String("format") == "json" {
					return writeJSON(e.stdout, map[string]any{"by": by, "as_of": r.AsOf, "groups": groups, "total": r.Total})
				}
				g := &grid{header: []string{by, "projects", "allocated", "spent", "progress"}}
				for _, gr := range groups {
					g.add(gr.Key, gr.Projects, gr.Allocated, gr.Spent, percentText(gr.Progress))
				}
				g.add("total", r.Total.Projects, r.Total.Allocated, r.Total.Spent, percentText(r.Total.Progress))
				return g.print(c, e.stdout)
			}
			if c.String("format") == "json" {
				return writeJSON(e.stdout, r)
			}
			g := &grid{header: []string{"project", "name", "unit", "sector", "kind", "bonds", "allocated", "spent", "progress"}}
			for _, p := range r.Projects {
				g.add(p.Code, p.Name, p.Unit, p.Sector, p.Kind, strings.Join(p.Bonds, " "), p.Allocated, p.Spent, percentText(p.Progress))
			}
			g.add("total", "", "", "", "", "", r.Total.Allocated, r.Total.Spent, percentText(r.Total.Progress))
			return g.print(c, e.stdout)
		},
	}
}
