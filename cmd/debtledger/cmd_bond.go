package main

import (
	"fmt"
	"sort"
	"text/tabwriter"

	"github.com/debtledger/debtledger/debt"
	"github.com/debtledger/debtledger/quota"
	"github.com/shopspring/decimal"
	"github.com/urfave/cli/v2"
)

func bondCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "bond",
		Usage: "bonds: terms, holders, outstanding principal",
		Subcommands: []*cli.Command{{
			Name:      "list",
			Usage:     "every bond with its terms and total outstanding principal",
			UsageText: "debtledger bond list --as-of 2023-06-30 --yuan-unit yi",
			Flags:     []cli.Flag{asOfFlag},
			// Holders can be anywhere: the root's subtree is every unit.
			Action: e.withUnitQuery(true, func(c *cli.Context, q *unitQuery) error {
				d := q.asOf
				var rows []bondView
				for _, code := range sortedBondCodes(q.book) {
					rows = append(rows, viewBond(q.book, q.book.Bonds[code], d))
				}
				if rows == nil {
					rows = []bondView{}
				}
				if c.String("format") == "json" {
					return writeJSON(e.stdout, rows)
				}
				g := &grid{header: []string{"bond", "kind", "purpose", "value date", "maturity", "rate", "interest", "outstanding"}}
				for _, r := range rows {
					g.add(r.Code, r.Kind, r.Purpose, r.ValueDate, r.Maturity, r.Rate, r.Interest, r.outstanding)
				}
				return g.print(c, e.stdout)
			}),
		}, {
			Name:      "show",
			Usage:     "one bond: terms, amortization, holders, unapplied refinancing proceeds",
			UsageText: "debtledger bond show B2023R01 --as-of 2023-03-31",
			ArgsUsage: "BOND",
			Flags:     []cli.Flag{asOfFlag},
			// Holders can be anywhere: the root's subtree is every unit.
			Action: e.withUnitQuery(true, func(c *cli.Context, q *unitQuery) error {
				d := q.asOf
				bond := q.book.Bonds[c.Args().First()]
				if bond == nil {
					return badInput("%s: bond %q is not registered", q.ledger.Path(), c.Args().First())
				}
				v := viewBond(q.book, bond, d)
				if c.String("format") == "json" {
					return writeJSON(e.stdout, v)
				}
				unit := c.String("yuan-unit")
				fmt.Fprintf(e.stdout, "%s  %s\n%s %s, value date %s, maturity %s, %s%% %s\n", v.Code, v.Name, v.Kind, v.Purpose, v.ValueDate, v.Maturity, v.Rate, v.Interest)
				for _, s := range v.Amortization {
					fmt.Fprintf(e.stdout, "  principal due %s: %s%%\n", s.Date, s.Percent)
				}
				tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
				fmt.Fprintln(tw, "holder\toutstanding\tunapplied proceeds\t")
				for _, h := range v.Holders {
					fmt.Fprintf(tw, "%s\t%s\t%s\t\n", h.Unit, quota.FormatIn(h.principal, unit), quota.FormatIn(h.unapplied, unit))
				}
				fmt.Fprintf(tw, "total\t%s\t\t\n", quota.FormatIn(v.outstanding, unit))
				return tw.Flush()
			}),
		}},
	}
}

type bondView struct {
	Code         string       `json:"bond"`
	Name         string       `json:"name"`
	Kind         string       `json:"kind"`
	Purpose      string       `json:"purpose"`
	ValueDate    string       `json:"value_date"`
	Maturity     string       `json:"maturity"`
	Rate         string       `json:"rate"`
	Interest     string       `json:"interest"`
	Amortization []stepView   `json:"amortization,omitempty"`
	Outstanding  string       `json:"outstanding"`
	Holders      []holderView `json:"holders"`
	outstanding  decimal.Decimal
}

type stepView struct {
	Date    string `json:"date"`
	Percent string `json:"percent"`
}

type holderView struct {
	Unit      string `json:"unit"`
	Principal string `json:"principal"`
	// Unapplied refinancing proceeds: received net of passed down, not yet
	// applied to a repayment (refinancing bonds only).
	Unapplied string `json:"unapplied_proceeds"`
	principal decimal.Decimal
	unapplied decimal.Decimal
}

func viewBond(b *debt.Book, bond *debt.Bond, d quota.Date) bondView {
	v := bondView{Code: bond.Code, Name: bond.Name, Kind: bond.Kind, Purpose: bond.Purpose,
		ValueDate: bond.ValueDate.String(), Maturity: bond.Maturity.String(), Rate: bond.Rate.String(), Interest: bond.Interest,
		Holders: []holderView{}}
	for _, s := range bond.Amortization {
		v.Amortization = append(v.Amortization, stepView{s.Date.String(), s.Percent.String()})
	}
	for _, unit := range b.Quota.Subtree(b.Quota.Root) {
		h := b.Holding(bond.Code, unit)
		p := h.Principal.At(d)
		un := decimal.Zero
		if bond.Purpose == debt.Refinancing {
			un = h.Free.At(d)
		}
		if p.IsZero() && un.IsZero() {
			continue
		}
		v.outstanding = v.outstanding.Add(p)
		v.Holders = append(v.Holders, holderView{unit, quota.FormatAmount(p), quota.FormatAmount(un), p, un})
	}
	v.Outstanding = quota.FormatAmount(v.outstanding)
	return v
}

func sortedBondCodes(b *debt.Book) []string {
	codes := make([]string, 0, len(b.Bonds))
	for c := range b.Bonds {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	return codes
}
