package debt

import (
	"fmt"
	"sort"

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
	limit := quota.Figure(b.Quota.Limit, uk)
	dates := append([]quota.Date{d}, limit.DatesFrom(d)...)
	dates = append(dates, quota.Figure(b.Principal, uk).DatesFrom(d)...)
	for _, h := range b.RefBonds[uk] {
		// Proceeds applied in full before d credit nothing from d on.
		if !h.Free.ZeroFrom(d) {
			dates = append(dates, h.Free.DatesFrom(d)...)
			dates = append(dates, h.Principal.DatesFrom(d)...)
		}
	}
	if len(dates) > 1 {
		sort.Slice(dates, func(i, j int) bool { return dates[i] < dates[j] })
	}
	for i, t := range dates {
		if i > 0 && t == dates[i-1] {
			continue
		}
		if e, l := b.Exposure(unit, kind, t), limit.At(t); e.GreaterThan(l) {
			return fmt.Errorf("limit: %s %s balance %s would exceed its limit %s on %s", unit, kind, quota.Yi(e), quota.Yi(l), t)
		}
	}
	return nil
}

// checkBondUnit runs every balance rule for a holding that moved.
func (b *Book) checkBondUnit(bond *Bond, unit string, d quota.Date) error {
	if err := b.checkHolding(bond, unit, d); err != nil {
		return err
	}
	return b.CheckLimit(unit, bond.Kind, d)
}
