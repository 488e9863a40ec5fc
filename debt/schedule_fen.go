package debt

import (
	"math/bits"

	"github.com/debtledger/debtledger/quota"
	"github.com/shopspring/decimal"
)

// A national schedule projects every holding of every unit over decades:
// tens of millions of coupons. plan is a bond's part of that work done once
// per query (its coupon dates and principal steps after as-of, as integer
// ratios), so that each holding costs only integer arithmetic in fen with
// the same half-up rounding as the decimal path, Projection, which remains
// the reference and takes over wherever a number does not fit.
type plan struct {
	ok      bool
	coupons []quota.Date
	steps   []Step
	pcts    []uint64 // each step's percent ×10^4
	pctSum  uint64
	rate    uint64 // percent a year ×10^4
	perYear uint64 // 1 or 2 coupons a year
}

var tenK = decimal.New(1, 4)

func (bd *Bond) plan(asOf quota.Date) *plan {
	p := &plan{coupons: bd.couponDatesAfter(asOf), perYear: 1}
	if bd.Interest == "semiannual" {
		p.perYear = 2
	}
	r := bd.Rate.Mul(tenK)
	if !r.IsInteger() || r.IsNegative() {
		return p
	}
	p.rate = uint64(r.IntPart())
	for _, s := range bd.Steps() {
		if s.Date <= asOf {
			continue
		}
		pct := s.Percent.Mul(tenK)
		if !pct.IsInteger() {
			return p
		}
		p.steps = append(p.steps, s)
		p.pcts = append(p.pcts, uint64(pct.IntPart()))
		p.pctSum += uint64(pct.IntPart())
	}
	p.ok = p.pctSum > 0
	return p
}

// mulDivRound is a×b/c rounded half-up, false when it does not fit.
func mulDivRound(a, b, c uint64) (uint64, bool) {
	hi, lo := bits.Mul64(a, b)
	if c == 0 || hi >= c {
		return 0, false
	}
	q, rem := bits.Div64(hi, lo, c)
	if rem >= c-rem { // rem ≥ c/2 without overflow
		q++
	}
	return q, q < 1<<62
}

// project is Projection for a principal in fen: flows in fen per date,
// false when the fast path cannot be exact.
func (p *plan) project(principal uint64, emit func(d quota.Date, principal, interest uint64)) bool {
	if !p.ok {
		return false
	}
	shares := make([]uint64, len(p.steps))
	left := principal
	for i := range p.steps {
		share := left
		if i < len(p.steps)-1 {
			s, ok := mulDivRound(principal, p.pcts[i], p.pctSum)
			if !ok || s > left {
				return false
			}
			share = s
		}
		left -= share
		shares[i] = share
	}
	// Interest and principal falling on one date are one flow; dates come
	// out in order because both lists are sorted.
	outstanding, i := principal, 0
	for _, c := range p.coupons {
		for ; i < len(p.steps) && p.steps[i].Date < c; i++ {
			emit(p.steps[i].Date, shares[i], 0)
			outstanding -= shares[i]
		}
		coupon, ok := mulDivRound(outstanding, p.rate, 100*10000*p.perYear)
		if !ok {
			return false
		}
		var due uint64
		if i < len(p.steps) && p.steps[i].Date == c {
			due = shares[i]
			outstanding -= due
			i++
		}
		emit(c, due, coupon)
	}
	for ; i < len(p.steps); i++ {
		emit(p.steps[i].Date, shares[i], 0)
	}
	return true
}
