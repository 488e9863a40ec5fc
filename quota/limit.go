package quota

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// OpeningLimit is the `limit` event: a unit's own debt limit brought over
// from before the ledger (migration).
type OpeningLimit struct {
	Unit   string
	Kind   string
	Amount decimal.Decimal
}

func decodeLimit(f *Fields) Body {
	return &OpeningLimit{Unit: f.Code("unit"), Kind: f.Enum("kind", General, Special), Amount: f.Amount("amount")}
}

func (l *OpeningLimit) Canon(c *Canon) {
	c.Str("unit", l.Unit)
	c.Str("kind", l.Kind)
	c.Amount("amount", l.Amount)
}

// SetLimit records an opening limit: once per unit and kind, and before any
// bond event of the unit in journal order.
func (b *Book) SetLimit(h *Header, l *OpeningLimit) error {
	u, err := b.Ref("limit", l.Unit)
	if err != nil {
		return err
	}
	if u.BondEvents {
		return fmt.Errorf("limit: %s already has bond entries; its opening limit must come before them", l.Unit)
	}
	if err := b.OnceOf(l.Unit).Claim(l.onceKey(), h.Date, "limit", l.Unit+" "+l.Kind+" opening limit"); err != nil {
		return err
	}
	b.LimitSeries(l.Unit, l.Kind).Add(h.Date, l.Amount)
	return nil
}

// ReverseLimit cancels an opening limit from d on; it may be given again.
func (b *Book) ReverseLimit(d Date, l *OpeningLimit) error {
	b.OnceOf(l.Unit).Release(l.onceKey(), d)
	b.LimitSeries(l.Unit, l.Kind).Add(d, l.Amount.Neg())
	return b.checkLimit(l.Unit, l.Kind, d)
}

func (l *OpeningLimit) onceKey() string { return "limit|" + l.Unit + "|" + l.Kind }
