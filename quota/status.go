package quota

import (
	"github.com/shopspring/decimal"
)

// Money is an amount as queries write it (SPEC §2): a JSON string in yuan
// with exactly two decimals. It embeds the decimal, so arithmetic and
// formatting for tables read m.Decimal.
type Money struct{ decimal.Decimal }

// M wraps an amount for output.
func M(d decimal.Decimal) Money { return Money{d} }

// MarshalJSON writes "1390000000.00".
func (m Money) MarshalJSON() ([]byte, error) {
	return []byte(`"` + FormatAmount(m.Decimal) + `"`), nil
}

// Percent is a percentage written like an amount, with two decimals.
type Percent = Money

// PercentOf is part/whole×100 rounded half-up to two decimals, and zero when
// whole is zero (nothing planned or allocated yet).
func PercentOf(part, whole decimal.Decimal) Percent {
	if whole.IsZero() {
		return Money{}
	}
	return Money{part.Mul(decimal.NewFromInt(100)).DivRound(whole, 2)}
}

// QuotaLine is one kind's quota position of a unit for a year.
type QuotaLine struct {
	Kind string `json:"kind"`
	// Received is the quota granted to the unit (from its parent, or the
	// superior for the root), gross of what it passed down.
	Received   Money `json:"received"`
	PassedDown Money `json:"passed_down"`
	// Own is what the unit keeps: received minus passed down.
	Own Money `json:"own"`
	// Used is principal of the year's bonds on-lent into the unit against
	// the quota (rule 3); Remaining is received minus used.
	Used      Money `json:"used"`
	Remaining Money `json:"remaining"`
	// Limit is the unit's own debt limit of the kind (general and special
	// only): opening limit plus quota received minus passed down, all years.
	Limit *Money `json:"limit,omitempty"`
	// Balance is the unit's own outstanding principal of the kind; the quota
	// side knows no bonds, so the debt side fills it in.
	Balance *Money `json:"balance,omitempty"`
}

// Status is a unit's quota of a year per kind (general, special,
// refinancing), counting entries dated on or before asOf.
func (b *Book) Status(unit string, year int, asOf Date) []QuotaLine {
	out := make([]QuotaLine, 0, 3)
	for _, kind := range []string{General, Special, Refinancing} {
		k := GrantKey{unit, year, kind}
		received := Figure(b.Received, k).At(asOf)
		passed := Figure(b.Passed, k).At(asOf)
		unused := Figure(b.Unused, k).At(asOf)
		line := QuotaLine{
			Kind:       kind,
			Received:   M(received),
			PassedDown: M(passed),
			Own:        M(received.Sub(passed)),
			Used:       M(received.Sub(unused)),
			Remaining:  M(unused),
		}
		if kind != Refinancing {
			limit := M(Figure(b.Limit, UnitKind{unit, kind}).At(asOf))
			line.Limit = &limit
		}
		out = append(out, line)
	}
	return out
}
