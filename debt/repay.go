package debt

import (
	"fmt"

	"github.com/debtledger/debtledger/quota"
	"github.com/shopspring/decimal"
)

// Repayment is the `repay` event (还本付息): principal, interest and fees a
// unit pays on a bond, from its budget or from a refinancing bond's
// proceeds.
type Repayment struct {
	Bond, Unit      string
	Principal       decimal.Decimal
	Interest        decimal.Decimal
	Fee             decimal.Decimal
	Source          string // budget or refinancing
	RefinancingBond string
}

func decodeRepayment(f *quota.Fields) quota.Body {
	r := &Repayment{
		Bond:            f.Code("bond"),
		Unit:            f.Code("unit"),
		Principal:       f.Amount("principal"),
		Interest:        f.Amount("interest"),
		Fee:             f.OptAmount("fee"),
		Source:          f.Enum("source", "budget", Refinancing),
		RefinancingBond: f.OptCode("refinancing_bond"),
	}
	if f.Err() != nil {
		return r
	}
	switch {
	case !r.Principal.IsPositive() && !r.Interest.IsPositive() && !r.Fee.IsPositive():
		f.Fail("repay: at least one of principal, interest and fee must be > 0")
	case r.Source == Refinancing && (!r.Interest.IsZero() || !r.Fee.IsZero()):
		f.Fail("repay: refinancing proceeds repay principal only; interest and fee must be 0")
	case r.Source == Refinancing && r.RefinancingBond == "":
		f.Fail("repay: source refinancing needs refinancing_bond")
	case r.Source == "budget" && r.RefinancingBond != "":
		f.Fail("repay: source budget takes no refinancing_bond")
	case r.RefinancingBond == r.Bond:
		f.Fail("repay: refinancing_bond must be another bond than %s", r.Bond)
	}
	return r
}

func (r *Repayment) Canon(c *quota.Canon) {
	c.Str("bond", r.Bond)
	c.Str("unit", r.Unit)
	c.Amount("principal", r.Principal)
	c.Amount("interest", r.Interest)
	c.Amount("fee", r.Fee)
	c.Str("source", r.Source)
	c.Str("refinancing_bond", r.RefinancingBond)
}

func (b *Book) repay(h *quota.Header, r *Repayment) error {
	bond, err := b.bondFor("repay", r.Bond, h.Date)
	if err != nil {
		return err
	}
	unit, err := b.Quota.Ref("repay", r.Unit)
	if err != nil {
		return err
	}
	if r.Source == Refinancing {
		ref, err := b.bondFor("repay", r.RefinancingBond, h.Date)
		if err != nil {
			return err
		}
		if ref.Purpose != Refinancing || ref.Kind != bond.Kind {
			return fmt.Errorf("repay: %s is not a %s refinancing bond (it is %s, %s)", ref.Code, bond.Kind, ref.Kind, ref.Purpose)
		}
	}
	held := b.holding(r.Bond, r.Unit)
	held.Touched = true
	unit.BondEvents = true
	return b.bookRepaymentOf(held, bond, r, h.Date, false)
}

// bookRepayment books a repayment, or with undo its reversal: the same
// amounts the other way.
func (b *Book) bookRepayment(bond *Bond, r *Repayment, d quota.Date, undo bool) error {
	return b.bookRepaymentOf(b.holding(r.Bond, r.Unit), bond, r, d, undo)
}

// bookRepaymentOf is bookRepayment with the repaid bond's holding, h,
// already looked up (the holdings map is large: each look-up costs).
func (b *Book) bookRepaymentOf(h *Holding, bond *Bond, r *Repayment, d quota.Date, undo bool) error {
	add, sub := (*quota.Series).Add, (*quota.Series).Sub
	reduce := b.reducePrincipal
	if undo {
		add, sub, reduce = sub, add, b.movePrincipal
	}
	add(&h.Repaid, d, r.Principal)
	add(&h.Interest, d, r.Interest)
	add(&h.Fee, d, r.Fee)
	reduce(h, bond, r.Unit, d, r.Principal)
	if r.Source == Refinancing {
		ref := b.holding(r.RefinancingBond, r.Unit)
		add(&ref.Applied, d, r.Principal)
		sub(&ref.Free, d, r.Principal)
		b.refsMoved(ref, r.Unit, b.Bonds[r.RefinancingBond])
		if err := nonNegative(&ref.Free, d, func(min decimal.Decimal, at quota.Date) error {
			return fmt.Errorf("repay: %s would apply %s more of refinancing bond %s than its unapplied proceeds, on %s",
				r.Unit, quota.Yi(min.Neg()), r.RefinancingBond, at)
		}); err != nil {
			return err
		}
		if err := b.CheckLimit(r.Unit, bond.Kind, d); err != nil {
			return err
		}
	}
	if err := nonNegative(&h.Principal, d, func(min decimal.Decimal, at quota.Date) error {
		return fmt.Errorf("repay: %s would repay %s more of bond %s than it owes, on %s", r.Unit, quota.Yi(min.Neg()), r.Bond, at)
	}); err != nil {
		return err
	}
	if err := b.checkHoldingOf(h, bond, r.Unit, d); err != nil {
		return err
	}
	// Rule 2 was checked above when refinancing proceeds were applied.
	// Otherwise only a reversal can tighten it: paying principal from the
	// budget lowers the unit's own principal by as much as the refinancing
	// credit it may end (a credit is capped at the unit's principal of its
	// bond), and interest and fees are not principal.
	if undo && r.Source != Refinancing {
		return b.CheckLimit(r.Unit, bond.Kind, d)
	}
	return nil
}

func (b *Book) undoRepayment(d quota.Date, r *Repayment) error {
	return b.bookRepayment(b.Bonds[r.Bond], r, d, true)
}
