package debt

import (
	"sort"

	"github.com/debtledger/debtledger/quota"
)

// Statement is the monthly 对账 statement (SPEC §5) of a unit's own
// holdings, or with subtree of its whole subtree: one row per bond with any
// non-zero figure in the month, by bond code, then the TOTAL row. In the
// subtree scope `received` is what came into the subtree from outside, which
// is what was on-lent into its top unit (on-lending comes only from a parent
// or the superior), and nothing is passed down.
func (b *Book) Statement(unit string, p quota.Period, subtree bool) []StatementRow {
	units := []string{unit}
	if subtree {
		units = b.Quota.Subtree(unit)
	}
	var codes []string
	seen := map[string]bool{}
	for _, u := range units {
		for _, code := range b.UnitBonds[u] {
			if !seen[code] {
				seen[code] = true
				codes = append(codes, code)
			}
		}
	}
	sort.Strings(codes)

	first, last := p.First(), p.Last()
	before := first.Prev()
	total := StatementRow{Bond: TotalBond}
	var rows []StatementRow
	for _, code := range codes {
		row := StatementRow{Bond: code}
		if bd := b.Bonds[code]; bd != nil {
			row.Kind, row.Purpose = bd.Kind, bd.Purpose
		}
		for _, u := range units {
			h := b.Holding(code, u)
			row.OpeningPrincipal = row.OpeningPrincipal.Add(h.Principal.At(before))
			row.ClosingPrincipal = row.ClosingPrincipal.Add(h.Principal.At(last))
			row.PrincipalRepaid = row.PrincipalRepaid.Add(h.Repaid.Between(first, last))
			row.InterestPaid = row.InterestPaid.Add(h.Interest.Between(first, last))
			if u == unit {
				row.Received = h.In.Between(first, last)
				if !subtree {
					row.PassedDown = h.Out.Between(first, last)
				}
			}
		}
		if row.isZero() {
			continue
		}
		rows = append(rows, row)
		total.OpeningPrincipal = total.OpeningPrincipal.Add(row.OpeningPrincipal)
		total.Received = total.Received.Add(row.Received)
		total.PassedDown = total.PassedDown.Add(row.PassedDown)
		total.PrincipalRepaid = total.PrincipalRepaid.Add(row.PrincipalRepaid)
		total.InterestPaid = total.InterestPaid.Add(row.InterestPaid)
		total.ClosingPrincipal = total.ClosingPrincipal.Add(row.ClosingPrincipal)
	}
	return append(rows, total)
}

func (r *StatementRow) isZero() bool {
	for _, a := range r.Amounts() {
		if !a.IsZero() {
			return false
		}
	}
	return true
}
