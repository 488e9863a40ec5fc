package debt

import (
	"fmt"

	"github.com/debtledger/debtledger/quota"
	"github.com/shopspring/decimal"
)

// Opening is the `opening` event: principal of a bond that a unit already
// owed when the ledger began (migration). It counts for balances and
// limits, never as principal received.
type Opening struct {
	Bond, Unit string
	Principal  decimal.Decimal
}

func decodeOpening(f *quota.Fields) quota.Body {
	return &Opening{Bond: f.Code("bond"), Unit: f.Code("unit"), Principal: f.Amount("principal")}
}

func (o *Opening) Canon(c *quota.Canon) {
	c.Str("bond", o.Bond)
	c.Str("unit", o.Unit)
	c.Amount("principal", o.Principal)
}

func (o *Opening) onceKey() string { return "opening|" + o.Bond + "|" + o.Unit }

func (b *Book) open(h *quota.Header, o *Opening) error {
	bond, err := b.bondFor("opening", o.Bond, h.Date)
	if err != nil {
		return err
	}
	unit, err := b.Quota.Ref("opening", o.Unit)
	if err != nil {
		return err
	}
	if b.holding(o.Bond, o.Unit).Touched {
		return fmt.Errorf("opening: %s already has on-lending or repayment of bond %s; the opening must come first", o.Unit, o.Bond)
	}
	if err := b.Quota.OnceOf(o.Unit).Claim(o.onceKey(), h.Date, "opening", "bond "+o.Bond+" at "+o.Unit); err != nil {
		return err
	}
	unit.BondEvents = true
	b.movePrincipal(b.holding(o.Bond, o.Unit), bond, o.Unit, h.Date, o.Principal)
	return b.checkBondUnit(bond, o.Unit, h.Date)
}

func (b *Book) undoOpening(d quota.Date, o *Opening) error {
	bond := b.Bonds[o.Bond]
	b.Quota.OnceOf(o.Unit).Release(o.onceKey(), d)
	b.reducePrincipal(b.holding(o.Bond, o.Unit), bond, o.Unit, d, o.Principal)
	return b.checkBondUnit(bond, o.Unit, d)
}
