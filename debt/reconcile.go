package debt

import (
	"sort"

	"github.com/debtledger/debtledger/quota"
	"github.com/shopspring/decimal"
)

// Difference is one disagreement between the ledger's statement and the
// one sent back (SPEC §5 reconcile). Field is a StatementHeader column
// name other than "bond", or "row" when the bond is on one side only
// (Ledger and Statement are then "present" or "absent"). Amounts are
// shown as yuan with two decimals.
type Difference struct {
	Bond      string `json:"bond"`
	Field     string `json:"field"`
	Ledger    string `json:"ledger"`
	Statement string `json:"statement"`
}

// Compare lists every difference between the ledger's rows and a
// statement's rows, both including their TOTAL row:
//   - a bond on one side only: Field "row", "present"/"absent"; except
//     that a statement row whose amounts are all zero, for a bond the
//     ledger has no row for, is no difference;
//   - for a bond on both sides, every differing field among kind, purpose
//     and the six amounts (amounts compared by value);
//   - the TOTAL row likewise (a TOTAL on one side only is a "row"
//     difference).
//
// Differences are ordered by bond code (bytewise), TOTAL last, then by
// column order. The result is never nil (an empty slice when the two
// agree), so that it encodes as a JSON array. If a side lists a bond
// twice, its first row counts.
func Compare(ledger, statement []StatementRow) []Difference {
	byBond := func(rows []StatementRow) map[string]*StatementRow {
		m := make(map[string]*StatementRow, len(rows))
		for i := range rows {
			if _, dup := m[rows[i].Bond]; !dup {
				m[rows[i].Bond] = &rows[i]
			}
		}
		return m
	}
	l, s := byBond(ledger), byBond(statement)
	var bonds []string
	for b := range l {
		if b != TotalBond {
			bonds = append(bonds, b)
		}
	}
	for b := range s {
		if _, both := l[b]; !both && b != TotalBond {
			bonds = append(bonds, b)
		}
	}
	sort.Strings(bonds)
	bonds = append(bonds, TotalBond)

	diffs := []Difference{}
	for _, b := range bonds {
		lr, inL := l[b]
		sr, inS := s[b]
		switch {
		case !inL && !inS:
			// no TOTAL on either side
		case !inL:
			if b == TotalBond || !stmtAllZero(sr) {
				diffs = append(diffs, Difference{Bond: b, Field: "row", Ledger: "absent", Statement: "present"})
			}
		case !inS:
			diffs = append(diffs, Difference{Bond: b, Field: "row", Ledger: "present", Statement: "absent"})
		default:
			diffs = append(diffs, stmtCompareRow(b, lr, sr)...)
		}
	}
	return diffs
}

func stmtCompareRow(bond string, l, s *StatementRow) []Difference {
	var diffs []Difference
	if l.Kind != s.Kind {
		diffs = append(diffs, Difference{Bond: bond, Field: StatementHeader[1], Ledger: l.Kind, Statement: s.Kind})
	}
	if l.Purpose != s.Purpose {
		diffs = append(diffs, Difference{Bond: bond, Field: StatementHeader[2], Ledger: l.Purpose, Statement: s.Purpose})
	}
	la, sa := l.Amounts(), s.Amounts()
	for i := range la {
		if !la[i].Equal(sa[i]) {
			diffs = append(diffs, Difference{Bond: bond, Field: StatementHeader[3+i], Ledger: quota.FormatAmount(la[i]), Statement: quota.FormatAmount(sa[i])})
		}
	}
	return diffs
}

func stmtAllZero(r *StatementRow) bool {
	for _, a := range r.Amounts() {
		if !a.Equal(decimal.Zero) {
			return false
		}
	}
	return true
}
