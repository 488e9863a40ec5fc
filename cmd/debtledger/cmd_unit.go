package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"
)

func unitCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "unit",
		Usage: "the unit tree",
		Subcommands: []*cli.Command{{
			Name:      "list",
			Usage:     "list the registered units, depth first",
			UsageText: "debtledger unit list --format json",
			Action: func(c *cli.Context) error {
				q, err := e.query(c)
				if err != nil {
					return err
				}
				defer q.ledger.Close()
				type row struct {
					Code   string `json:"code"`
					Name   string `json:"name"`
					Parent string `json:"parent"`
					Depth  int    `json:"depth"`
				}
				rows := []row{}
				if root := q.book.Quota.Root; root != "" {
					for _, code := range q.book.Quota.Subtree(root) {
						u := q.book.Quota.Units[code]
						depth := 0
						for p := u.Parent; p != ""; p = q.book.Quota.Units[p].Parent {
							depth++
						}
						rows = append(rows, row{u.Code, u.Name, u.Parent, depth})
					}
				}
				switch c.String("format") {
				case "json":
					return writeJSON(e.stdout, rows)
				case "csv":
					fmt.Fprintln(e.stdout, "code,name,parent,depth")
					for _, r := range rows {
						fmt.Fprintf(e.stdout, "%s,%s,%s,%d\n", r.Code, csvText(r.Name), r.Parent, r.Depth)
					}
					return nil
				}
				tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
				for _, r := range rows {
					fmt.Fprintf(tw, "%s%s\t%s\n", strings.Repeat("  ", r.Depth), r.Code, r.Name)
				}
				return tw.Flush()
			},
		}},
	}
}

// csvText quotes a field only when it must be.
func csvText(s string) string {
	if strings.ContainsAny(s, ",\"\n\r") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}
