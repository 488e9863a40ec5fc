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

// refsMoved notes that the unapplied proceeds of unit's holding h of bond
// changed: if it is a refinancing bond, h moves to its place in the
// order. Those proceeds change only by on-lending and by repayments that
// apply them (and their reversals); allocation refuses refinancing bonds.
func (b *Book) refsMoved(h *Holding, unit string, bond *Bond) {
	if bond == nil || bond.Purpose != Refinancing {
		return
	}
	if o := b.refOrders[quota.UnitKind{Unit: b.Quota.Code(unit), Kind: bond.Kind}]; o != nil {
		o.remove(h)
		o.insert(h)
	}
}

// refJoined places a new refinancing holding in its unit's order.
func (b *Book) refJoined(uk quota.UnitKind, h *Holding) {
	if o := b.refOrders[uk]; o != nil {
		o.insert(h)
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
		o = &refOrder{}
		for _, h := range refs {
			o.insert(h)
		}
		b.refOrders[uk] = o
	}
	return o.holdings[:o.after(d)]
}

// settledFrom is the date from which h's proceeds are applied for good
// (math.MaxInt32: not yet).
func settledFrom(h *Holding) quota.Date {
	if since, zero := h.Free.ZeroSince(); zero {
		return since
	}
	return math.MaxInt32
}

// after is how many holdings are settled after d: they come first.
func (o *refOrder) after(d quota.Date) int {
	n, _ := slices.BinarySearchFunc(o.settled, d, func(settled, d quota.Date) int {
		switch {
		case settled > d:
			return -1
		case settled == d:
			return 0
		}
		return 1
	})
	return n
}

// insert puts h in its place, after those settled later or as late.
func (o *refOrder) insert(h *Holding) {
	s := settledFrom(h)
	i := o.after(s - 1) // past every holding settled at s or later
	o.holdings = slices.Insert(o.holdings, i, h)
	o.settled = slices.Insert(o.settled, i, s)
}

// remove takes h out of the order.
func (o *refOrder) remove(h *Holding) {
	if i := slices.Index(o.holdings, h); i >= 0 {
		o.holdings = slices.Delete(o.holdings, i, i+1)
		o.settled = slices.Delete(o.settled, i, i+1)
	}
}
