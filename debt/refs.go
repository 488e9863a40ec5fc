package debt

import (
	"math"
	"slices"

	"github.com/debtledger/debtledger/quota"
)

// Rule 2 credits a unit's unapplied refinancing proceeds against its
// limit, so every limit check reads the unit's refinancing holdings. Over
// the years a unit holds hundreds, nearly all applied in full long ago;
// scanning them all on every check made `check` of a 5M-entry ledger grow
// faster than its journal. So each unit and kind keeps its refinancing
// holdings ordered by the date from which their proceeds are applied for
// good (latest first), and a check at d reads only those not settled by d.

// refOrder is a unit and kind's refinancing holdings, latest settled first,
// with the date each is settled from (math.MaxInt32: not settled).
type refOrder struct {
	holdings []*Holding
	settled  []quota.Date
}

// refsMoved notes that the unapplied proceeds of unit's holding of bond
// changed: if it is a refinancing bond, the order of the unit's
// refinancing holdings is rebuilt when next read. Those proceeds change
// only by on-lending and by repayments that apply them (and their
// reversals); allocation refuses refinancing bonds, and a new holding
// clears the order where it joins RefBonds.
func (b *Book) refsMoved(unit string, bond *Bond) {
	if bond != nil && bond.Purpose == Refinancing {
		delete(b.refOrders, quota.UnitKind{Unit: b.Quota.Code(unit), Kind: bond.Kind})
	}
}

// openRefs lists the unit and kind's refinancing holdings whose proceeds
// are not applied in full for good by the end of d: the only ones that
// credit anything from d on.
func (b *Book) openRefs(uk quota.UnitKind, d quota.Date) []*Holding {
	refs := b.RefBonds[uk]
	if len(refs) == 0 {
		return nil
	}
	o := b.refOrders[uk]
	if o == nil {
		o = b.orderRefs(refs)
		b.refOrders[uk] = o
	}
	n, _ := slices.BinarySearchFunc(o.settled, d, func(settled, d quota.Date) int {
		// Descending: those settled after d come first.
		switch {
		case settled > d:
			return -1
		case settled == d:
			return 0
		}
		return 1
	})
	return o.holdings[:n]
}

func (b *Book) orderRefs(refs []*Holding) *refOrder {
	o := &refOrder{holdings: slices.Clone(refs), settled: make([]quota.Date, len(refs))}
	settledFrom := func(h *Holding) quota.Date {
		if since, zero := h.Free.ZeroSince(); zero {
			return since
		}
		return math.MaxInt32
	}
	slices.SortStableFunc(o.holdings, func(x, y *Holding) int {
		sx, sy := settledFrom(x), settledFrom(y)
		switch {
		case sx > sy:
			return -1
		case sx < sy:
			return 1
		}
		return 0
	})
	for i, h := range o.holdings {
		o.settled[i] = settledFrom(h)
	}
	return o
}
