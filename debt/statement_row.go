package debt

import "github.com/shopspring/decimal"

// StatementHeader is the column order of a monthly statement (SPEC §5).
var StatementHeader = []string{"bond", "kind", "purpose", "opening_principal", "received", "passed_down", "principal_repaid", "interest_paid", "closing_principal"}

// StatementRow is one bond's month, or the TOTAL row (empty kind and
// purpose).
type StatementRow struct {
	Bond             string
	Kind             string
	Purpose          string
	OpeningPrincipal decimal.Decimal
	Received         decimal.Decimal
	PassedDown       decimal.Decimal
	PrincipalRepaid  decimal.Decimal
	InterestPaid     decimal.Decimal
	ClosingPrincipal decimal.Decimal
}

// Amounts lists the row's figures in StatementHeader order.
func (r *StatementRow) Amounts() []decimal.Decimal {
	return []decimal.Decimal{r.OpeningPrincipal, r.Received, r.PassedDown, r.PrincipalRepaid, r.InterestPaid, r.ClosingPrincipal}
}

// TotalBond names the row that sums a statement.
const TotalBond = "TOTAL"
