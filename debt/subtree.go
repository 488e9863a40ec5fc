package debt

import (
	"slices"

	"github.com/debtledger/debtledger/quota"
	"github.com/shopspring/decimal"
)

// A unit's subtree principal (its own outstanding principal and that of
// every unit below it, per debt kind) is kept as series of its own, moved
// with every unit's principal, so that `balance` of the root of a national
// ledger reads two series rather than a few thousand. The cache holds one
// record per unit (SubtreeRecordPrefix + code); `check` compares them with
// a replay like every other record, and proves each equal to the unit's
// own principal plus its children's totals at every date (subtreeSums).

// SubtreeRecordPrefix names the cached subtree principal of a unit.
const SubtreeRecordPrefix = "s/"

// movePrincipal changes a unit's outstanding principal of a bond, h its
// holding of it.
func (b *Book) movePrincipal(h *Holding, bond *Bond, unit string, d quota.Date, amount decimal.Decimal) {
	h.Principal.Add(d, amount)
	b.principalMoved(unit, bond.Kind, d, amount, false)
}

// reducePrincipal is movePrincipal of −amount.
func (b *Book) reducePrincipal(h *Holding, bond *Bond, unit string, d quota.Date, amount decimal.Decimal) {
	h.Principal.Sub(d, amount)
	b.principalMoved(unit, bond.Kind, d, amount, true)
}

// principalMoved books a unit's principal change (negated when neg) in its
// own total and in its subtree total and every ancestor's.
func (b *Book) principalMoved(unit, kind string, d quota.Date, amount decimal.Decimal, neg bool) {
	move := (*quota.Series).Add
	if neg {
		move = (*quota.Series).Sub
	}
	chain := b.chains[quota.UnitKind{Unit: unit, Kind: kind}]
	if chain == nil {
		chain = b.principalChain(unit, kind)
	}
	for _, s := range chain {
		move(s, d, amount)
	}
}

// principalChain lists, and keeps, the series a change of unit's principal
// of kind moves: its own total, then the subtree totals of it and every
// ancestor, which it marks changed. Finding them takes a dozen map look-ups
// and every on-lending and repayment moves principal. They stay the same
// series for the book's life: a unit's records, and its ancestors' subtree
// totals, are loaded before anything of it moves (Apply, needAncestry).
func (b *Book) principalChain(unit, kind string) []*quota.Series {
	code := b.Quota.Code(unit)
	chain := []*quota.Series{series(b.Principal, quota.UnitKind{Unit: code, Kind: kind})}
	for u := b.Quota.Units[code]; u != nil; u = b.Quota.Units[u.Parent] {
		chain = append(chain, series(b.Subtree, quota.UnitKind{Unit: u.Code, Kind: kind}))
		b.dirtySubtree[u.Code] = true
	}
	b.chains[quota.UnitKind{Unit: code, Kind: kind}] = chain
	return chain
}

// needAncestry loads the subtree totals of units and of their ancestors:
// those a change of the units' principal moves.
func (b *Book) needAncestry(units []string) error {
	if b.load == nil {
		return nil
	}
	for _, unit := range units {
		for u := b.Quota.Units[unit]; u != nil; u = b.Quota.Units[u.Parent] {
			if !b.loadedSubtree[u.Code] {
				if err := b.NeedSubtreeTotals(u.Code); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// NeedSubtreeTotals loads the units' cached subtree principal.
func (b *Book) NeedSubtreeTotals(units ...string) error {
	return b.loadPerKind(units, SubtreeRecordPrefix, b.loadedSubtree, b.Subtree)
}

// SubtreeFigures is the outstanding principal of a unit and every unit
// below it, at the end of asOf.
func (b *Book) SubtreeFigures(unit string, asOf quota.Date) Figures {
	var f Figures
	for _, kind := range quota.DebtKinds {
		f.add(kind, quota.Figure(b.Subtree, quota.UnitKind{Unit: unit, Kind: kind}).At(asOf))
	}
	return f
}

// subtreeSums reports, per unit and kind, the first date on which the
// subtree total differs from the unit's own principal plus its children's
// totals. A replay builds both with the same code, so comparing the cache
// with it cannot find a fault in how totals are moved; this can.
func (b *Book) subtreeSums(report func(unit, kind string, total, sum decimal.Decimal, at quota.Date)) {
	var dates []quota.Date
	for _, code := range b.Quota.Subtree(b.Quota.Root) {
		u := b.Quota.Units[code]
		if u == nil {
			continue // no root yet (or its registration reversed): no totals
		}
		for _, kind := range quota.DebtKinds {
			total := quota.Figure(b.Subtree, quota.UnitKind{Unit: code, Kind: kind})
			terms := []*quota.Series{quota.Figure(b.Principal, quota.UnitKind{Unit: code, Kind: kind})}
			for _, c := range u.Children {
				terms = append(terms, quota.Figure(b.Subtree, quota.UnitKind{Unit: c, Kind: kind}))
			}
			dates = total.AppendDatesFrom(dates[:0], 0)
			for _, s := range terms {
				dates = s.AppendDatesFrom(dates, 0)
			}
			slices.Sort(dates)
			for i, d := range dates {
				if i > 0 && d == dates[i-1] {
					continue
				}
				if sum := sumAt(terms, d); !sum.Equal(total.At(d)) {
					report(code, kind, total.At(d), sum, d)
					break
				}
			}
		}
	}
}

// sumAt is the sum of the series' totals at the end of d, in whole fen
// while they fit.
func sumAt(terms []*quota.Series, d quota.Date) decimal.Decimal {
	var fen int64
	for i, s := range terms {
		f, ok := s.FenAt(d)
		if !ok || f > 1<<61 || f < -(1<<61) || fen > 1<<61 || fen < -(1<<61) {
			sum := decimal.New(fen, -2)
			for _, s := range terms[i:] {
				sum = sum.Add(s.At(d))
			}
			return sum
		}
		fen += f
	}
	return decimal.New(fen, -2)
}
