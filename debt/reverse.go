package debt

import (
	"fmt"

	"github.com/debtledger/debtledger/quota"
)

// Reversal is the `reverse` event (红字冲销): it cancels an earlier entry's
// effect from its own date on. Nothing is ever edited or deleted.
type Reversal struct {
	Entry  string
	Reason string
}

func decodeReversal(f *quota.Fields) quota.Body {
	return &Reversal{Entry: f.ID("entry"), Reason: f.Text("reason")}
}

func (r *Reversal) Canon(c *quota.Canon) {
	c.Str("entry", r.Entry)
	c.Str("reason", r.Reason)
}

func (b *Book) reverse(h *quota.Header, r *Reversal) error {
	if b.find == nil {
		return fmt.Errorf("reverse: no journal to look %s up in", r.Entry)
	}
	orig, err := b.find(r.Entry)
	if err != nil {
		return err
	}
	if orig == nil {
		return fmt.Errorf("reverse: entry %s is not in the ledger", r.Entry)
	}
	if at, done := b.Reversed[r.Entry]; done {
		return fmt.Errorf("reverse: entry %s was already reversed on %s", r.Entry, at)
	}
	if h.Date < orig.Date {
		return fmt.Errorf("reverse: dated %s, before entry %s's date %s", h.Date, r.Entry, orig.Date)
	}
	b.Reversed[r.Entry] = h.Date
	d := h.Date
	switch e := orig.Body.(type) {
	case *Reversal, *Close:
		return fmt.Errorf("reverse: a %s entry cannot be reversed", orig.Type)
	case *quota.Registration:
		b.dirty[e.Code] = true
		return b.Quota.Unregister(e)
	case *Bond:
		return b.unregisterBond(e)
	case *Project:
		return b.removeProject(e)
	case *quota.OpeningLimit:
		return b.Quota.ReverseLimit(d, e)
	case *quota.Grant:
		return b.Quota.Take(d, e)
	case *Opening:
		return b.undoOpening(d, e)
	case *OnLending:
		return b.undoOnLending(d, e)
	case *Repayment:
		return b.undoRepayment(d, e)
	case *Allocation:
		return b.undoAllocation(d, e)
	case *Spending:
		return b.bookSpending(e, d, e.Amount.Neg())
	case *HiddenStock:
		return b.bookHidden(e.Unit, d, e.Amount.Neg(), zero, "")
	case *Resolution:
		return b.bookHidden(e.Unit, d, zero, e.Amount.Neg(), e.Method)
	case *HiddenPlan:
		b.Quota.OnceOf(e.Unit).Release(e.onceKey(), d)
		series(b.Planned, e.key()).Add(d, e.Amount.Neg())
	case *Budget:
		b.Quota.OnceOf(e.Unit).Release(e.onceKey(), d)
		series(b.Budgets, BudgetKey{e.Unit, e.Year, e.Item}).Add(d, e.Amount.Neg())
	case *Reconciled:
		// A reconciliation moves no figure; reversing it only marks it void.
	}
	return nil
}
