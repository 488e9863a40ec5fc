package debt

import (
	"fmt"

	"github.com/debtledger/debtledger/quota"
	"github.com/shopspring/decimal"
)

// OnLending is the `onlend` event (转贷): principal of a bond passed from the
// superior to the root, or from a unit to one of its children.
type OnLending struct {
	Bond, To, From string // From "" is the superior government
	Amount         decimal.Decimal
}

func decodeOnLending(f *quota.Fields) quota.Body {
	return &OnLending{Bond: f.Code("bond"), To: f.Code("to"), From: f.OptCode("from"), Amount: f.Amount("amount")}
}

func (o *OnLending) Canon(c *quota.Canon) {
	c.Str("bond", o.Bond)
	c.Str("to", o.To)
	c.Str("from", o.From)
	c.Amount("amount", o.Amount)
}

// quotaKind is what a bond's principal uses up when on-lent into a unit
// (rule 3): the new-debt quota of its kind, or the refinancing scale.
func (bd *Bond) quotaKind() string {
	if bd.Purpose == Refinancing {
		return quota.Refinancing
	}
	return bd.Kind
}

func (b *Book) onLend(h *quota.Header, o *OnLending) error {
	bond, err := b.bondFor("onlend", o.Bond, h.Date)
	if err != nil {
		return err
	}
	toUnit, err := b.Quota.Ref("onlend", o.To)
	if err != nil {
		return err
	}
	var from *Holding
	if o.From == "" {
		if o.To != b.Quota.Root {
			return fmt.Errorf("onlend: %s is not the root; bonds from the superior go to %s", o.To, b.Quota.Root)
		}
	} else {
		fromUnit, err := b.Quota.Ref("onlend", o.From)
		if err != nil {
			return err
		}
		if !b.Quota.IsParent(o.From, o.To) {
			return fmt.Errorf("onlend: %s is not the parent of %s", o.From, o.To)
		}
		from = b.holding(o.Bond, o.From)
		from.Touched = true
		fromUnit.BondEvents = true
	}
	to := b.holding(o.Bond, o.To)
	to.Touched = true
	toUnit.BondEvents = true
	return b.bookOnLending(bond, o, h.Date, o.Amount, to, from)
}

// bookOnLending books an on-lending of amount; to and from are the two
// holdings when the caller has them already (the holdings map is large
// and each look-up a cache miss), else nil.
func (b *Book) bookOnLending(bond *Bond, o *OnLending, d quota.Date, amount decimal.Decimal, to, from *Holding) error {
	if to == nil {
		to = b.holding(o.Bond, o.To)
	}
	to.In.Add(d, amount)
	to.Free.Add(d, amount)
	b.refsMoved(to, o.To, bond)
	b.movePrincipal(to, bond, o.To, d, amount)
	if o.From != "" {
		if from == nil {
			from = b.holding(o.Bond, o.From)
		}
		from.Out.Add(d, amount)
		from.Free.Sub(d, amount)
		b.refsMoved(from, o.From, bond)
		b.reducePrincipal(from, bond, o.From, d, amount)
	}
	// Principal and free proceeds move together, so each side can only
	// break the rules that its direction tightens: the giver its holding
	// (rules 1, 4), the receiver its limit (rule 2); a reversal the
	// other way round. Rule 2 cannot tighten for the giver: its principal
	// falls at least as much as its refinancing credit.
	giver, taker, held := o.From, o.To, from
	if amount.IsNegative() {
		giver, taker, held = o.To, o.From, to
	}
	if giver != "" {
		if err := b.checkHoldingOf(held, bond, giver, d); err != nil {
			return err
		}
	}
	if err := b.Quota.UseQuota(o.To, bond.ValueDate.Year(), bond.quotaKind(), d, amount); err != nil {
		return err
	}
	if taker != "" {
		return b.CheckLimit(taker, bond.Kind, d)
	}
	return nil
}

func (b *Book) undoOnLending(d quota.Date, o *OnLending) error {
	return b.bookOnLending(b.Bonds[o.Bond], o, d, o.Amount.Neg(), nil, nil)
}
