package quota

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// Grant is the `quota` event: new-debt quota (general or special) or a
// refinancing scale for a year, granted by the superior to the root or
// passed down by a unit to a child.
type Grant struct {
	Year   int
	Kind   string
	To     string
	From   string // "" is the superior government
	Amount decimal.Decimal
}

func decodeGrant(f *Fields) Body {
	return &Grant{
		Year:   f.Int("year", 1, 9999),
		Kind:   f.Enum("kind", General, Special, Refinancing),
		To:     f.Code("to"),
		From:   f.OptCode("from"),
		Amount: f.Amount("amount"),
	}
}

func (g *Grant) Canon(c *Canon) {
	c.Int("year", g.Year)
	c.Str("kind", g.Kind)
	c.Str("to", g.To)
	c.Str("from", g.From)
	c.Amount("amount", g.Amount)
}

// Give books a grant on its date; Take cancels one from a later date.
func (b *Book) Give(h *Header, g *Grant) error {
	if _, err := b.Ref("quota", g.To); err != nil {
		return err
	}
	if g.From == "" {
		if g.To != b.Root {
			return fmt.Errorf("quota: %s is not the root; quota from the superior goes to %s", g.To, b.Root)
		}
	} else {
		if _, err := b.Ref("quota", g.From); err != nil {
			return err
		}
		if !b.IsParent(g.From, g.To) {
			return fmt.Errorf("quota: %s is not the parent of %s", g.From, g.To)
		}
	}
	return b.book(h.Date, g, g.Amount)
}

// Take cancels a grant from d on.
func (b *Book) Take(d Date, g *Grant) error { return b.book(d, g, g.Amount.Neg()) }

func (b *Book) book(d Date, g *Grant, amount decimal.Decimal) error {
	to := b.grantKey(g.To, g.Year, g.Kind)
	seriesOf(b.Received, to).Add(d, amount)
	seriesOf(b.Unused, to).Add(d, amount)
	if g.Kind != Refinancing {
		b.LimitSeries(g.To, g.Kind).Add(d, amount)
	}
	if g.From != "" {
		from := b.grantKey(g.From, g.Year, g.Kind)
		seriesOf(b.Passed, from).Add(d, amount)
		if g.Kind != Refinancing {
			b.LimitSeries(g.From, g.Kind).Sub(d, amount)
		}
	}
	// A grant can break the passer's pass-down rule and limit; a cancelled
	// grant can break the receiver's rules too.
	for _, err := range []error{
		b.checkPassDown(GrantKey{g.From, g.Year, g.Kind}, d),
		b.checkPassDown(to, d),
		b.checkUnused(to, d),
		b.checkLimit(g.From, g.Kind, d),
		b.checkLimit(g.To, g.Kind, d),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// checkPassDown: what a unit passes down for (year, kind) never exceeds
// what it received.
func (b *Book) checkPassDown(k GrantKey, d Date) error {
	if k.Unit == "" {
		return nil
	}
	received, passed := Figure(b.Received, k), Figure(b.Passed, k)
	for _, t := range append([]Date{d}, mergeDates(received, passed, d)...) {
		if r, p := received.At(t), passed.At(t); p.GreaterThan(r) {
			return fmt.Errorf("quota: %s would pass down %s of %d %s quota but received only %s on %s",
				k.Unit, Yi(p), k.Year, k.Kind, Yi(r), t)
		}
	}
	return nil
}

// mergeDates lists the change dates ≥ d of both series.
func mergeDates(a, b *Series, d Date) []Date {
	return append(a.DatesFrom(d), b.DatesFrom(d)...)
}

// Types are the event types the quota side defines.
func Types() map[string]Decoder {
	return map[string]Decoder{
		"unit":  decodeUnit,
		"limit": decodeLimit,
		"quota": decodeGrant,
	}
}
