package debt

import (
	"fmt"
	"slices"

	"github.com/debtledger/debtledger/quota"
	"github.com/shopspring/decimal"
)

// Exposure is what counts against a unit's debt limit at the end of d (rule
// 2): own outstanding principal of the kind, less the unapplied proceeds of
// its refinancing bonds, each credit capped at the unit's outstanding
// principal of that bond.
func (b *Book) Exposure(unit, kind string, d quota.Date) decimal.Decimal {
	uk := quota.UnitKind{Unit: unit, Kind: kind}
	e := quota.Figure(b.Principal, uk).At(d)
	for _, h := range b.RefBonds[uk] {
		if h.Free.ZeroFrom(d) {
			continue
		}
		e = e.Sub(decimal.Max(decimal.Min(h.Free.At(d), h.Principal.At(d)), quota.ZeroFen))
	}
	return e
}

// CheckLimit proves rule 2 for a unit and kind at d and every later date on
// which any of its terms changes.
func (b *Book) CheckLimit(unit, kind string, d quota.Date) error {
	uk := quota.UnitKind{Unit: unit, Kind: kind}
	limit, principal, refs := quota.Figure(b.Quota.Limit, uk), quota.Figure(b.Principal, uk), b.openRefs(uk, d)
	// Every event of a bond runs this check: the dates go into a slice the
	// book keeps, not a new one each time.
	dates := append(b.dates[:0], d)
	dates = limit.AppendDatesFrom(dates, d)
	dates = principal.AppendDatesFrom(dates, d)
	for _, h := range refs {
		dates = h.Free.AppendDatesFrom(dates, d)
		dates = h.Principal.AppendDatesFrom(dates, d)
	}
	if len(dates) > 1 {
		slices.Sort(dates)
	}
	b.dates = dates
	for i, t := range dates {
		if i > 0 && t == dates[i-1] {
			continue
		}
		// The common case, every figure in whole fen, builds no decimal.
		if e, ok := exposureFen(principal, refs, t); ok {
			if l, ok := limit.FenAt(t); ok && e <= l {
				continue
			}
		}
		if e, l := b.Exposure(unit, kind, t), limit.At(t); e.GreaterThan(l) {
			return fmt.Errorf("limit: %s %s balance %s would exceed its limit %s on %s", unit, kind, quota.Yi(e), quota.Yi(l), t)
		}
	}
	return nil
}

// exposureFen is Exposure in whole fen, from the unit's principal series
// and refinancing holdings of the kind; ok is false when a figure is too
// large for that.
func exposureFen(principal *quota.Series, refs []*Holding, d quota.Date) (e int64, ok bool) {
	if e, ok = principal.FenAt(d); !ok {
		return 0, false
	}
	for _, h := range refs {
		if h.Free.ZeroFrom(d) {
			continue
		}
		free, ok1 := h.Free.FenAt(d)
		held, ok2 := h.Principal.FenAt(d)
		if !ok1 || !ok2 {
			return 0, false
		}
		// Every term is below 2^62 in magnitude, so e cannot overflow
		// while it is kept above −2^62.
		if e -= max(min(free, held), 0); e < -(1 << 62) {
			return 0, false
		}
	}
	return e, true
}

// checkBondUnit runs every balance rule for a holding that moved.
func (b *Book) checkBondUnit(bond *Bond, unit string, d quota.Date) error {
	if err := b.checkHolding(bond, unit, d); err != nil {
		return err
	}
	return b.CheckLimit(unit, bond.Kind, d)
}
