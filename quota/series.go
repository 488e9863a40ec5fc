package quota

import (
	"sort"

	"github.com/shopspring/decimal"
)

// Series is an amount that changes on business dates: the running total of
// every delta dated on or before a day. Most entries arrive in date order,
// so appending is O(1); a back-dated delta shifts the totals after it.
//
// Every rule of SPEC §4 of the form "X ≥ 0 at the end of every business
// date" is a Series of slack whose minimum from a date on must stay ≥ 0,
// which is how a back-dated line is checked against every later date.
//
// Totals are kept as exact whole fen in an int64 while they fit (any
// amount below 9.2×10^16 yuan) and as a decimal beyond: a ledger holds
// millions of points, and a big.Int behind each would triple its memory
// and its time. Callers see decimals only.
//
// A series read from the cache stays encoded until first used (raw), so
// that a query loading thousands of units decodes only the series it
// reads: a schedule needs principal, not the eight other running totals
// of each holding.
type Series struct {
	Points []Point
	raw    []byte
}

// load decodes a series read from the cache on first use. The cache is
// trusted here as everywhere queries read it; `check` is what compares it,
// byte for byte, with a replay of the journal.
func (s *Series) load() {
	if s.raw != nil {
		r := NewReader(s.raw)
		s.raw = nil
		s.Points = r.points()
	}
}

// Point is the running total at the end of Date.
type Point struct {
	Date Date
	fen  int64
	big  *decimal.Decimal // the total, when it does not fit fen
}

// ZeroFen is zero at the fen's scale. Every amount in the ledger has two
// decimals; keeping zero at that scale too spares decimal a rescale (a
// big-integer power) on every sum.
var ZeroFen = decimal.New(0, -2)

const fenLimit = 1 << 62

var (
	fenHi = decimal.New(fenLimit, -2)
	fenLo = decimal.New(-fenLimit, -2)
)

// toFen gives an amount as whole fen when it is one and fits.
func toFen(d decimal.Decimal) (int64, bool) {
	if d.Exponent() != -2 {
		if d.Exponent() > -2 || !d.Equal(d.Round(2)) {
			d = d.Round(2)
		}
		if d.Exponent() != -2 {
			return 0, false
		}
	}
	if d.Cmp(fenHi) >= 0 || d.Cmp(fenLo) <= 0 {
		return 0, false
	}
	return d.CoefficientInt64(), true
}

// NewPoint is a point with the given total.
func NewPoint(d Date, total decimal.Decimal) Point {
	if fen, ok := toFen(total); ok {
		return Point{Date: d, fen: fen}
	}
	return Point{Date: d, big: &total}
}

// Total is the running total at the end of the point's date.
func (p Point) Total() decimal.Decimal {
	if p.big != nil {
		return *p.big
	}
	return decimal.New(p.fen, -2)
}

// add adds fen (delta, negated when neg) to the point's total.
func (p *Point) add(delta decimal.Decimal, fen int64, small, neg bool) {
	if p.big == nil && small {
		// Both terms are below 2^62 in magnitude, so the sum cannot
		// overflow; it stays small while it is below 2^62 too.
		if s := p.fen + fen; s < fenLimit && s > -fenLimit {
			p.fen = s
			return
		}
	}
	if neg {
		delta = delta.Neg()
	}
	t := p.Total().Add(delta)
	if f, ok := toFen(t); ok {
		p.fen, p.big = f, nil
		return
	}
	p.big = &t
}

func (p Point) less(q Point) bool {
	if p.big == nil && q.big == nil {
		return p.fen < q.fen
	}
	return p.Total().LessThan(q.Total())
}

// Add books delta on date d.
func (s *Series) Add(d Date, delta decimal.Decimal) { s.add(d, delta, false) }

// Sub books −delta on date d: Add(d, delta.Neg()) without building the
// negated decimal.
func (s *Series) Sub(d Date, delta decimal.Decimal) { s.add(d, delta, true) }

func (s *Series) add(d Date, delta decimal.Decimal, neg bool) {
	s.load()
	if delta.IsZero() {
		return
	}
	fen, small := toFen(delta)
	if neg {
		fen = -fen
	}
	n := len(s.Points)
	if n == 0 || s.Points[n-1].Date < d {
		p := Point{Date: d}
		if n > 0 {
			p.fen, p.big = s.Points[n-1].fen, s.Points[n-1].big
		}
		p.add(delta, fen, small, neg)
		s.Points = append(s.Points, p)
		return
	}
	i := sort.Search(n, func(i int) bool { return s.Points[i].Date >= d })
	if s.Points[i].Date != d {
		s.Points = append(s.Points, Point{})
		copy(s.Points[i+1:], s.Points[i:])
		p := Point{Date: d}
		if i > 0 {
			p.fen, p.big = s.Points[i-1].fen, s.Points[i-1].big
		}
		s.Points[i] = p
	}
	for j := i; j < len(s.Points); j++ {
		s.Points[j].add(delta, fen, small, neg)
	}
}

func (s *Series) atIndex(i int) decimal.Decimal {
	s.load()
	if i < 0 {
		return ZeroFen
	}
	return s.Points[i].Total()
}

func (s *Series) index(d Date) int {
	s.load()
	// Most reads are at or after the last change.
	if n := len(s.Points); n == 0 || s.Points[n-1].Date <= d {
		return n - 1
	}
	return sort.Search(len(s.Points), func(i int) bool { return s.Points[i].Date > d }) - 1
}

// FenAt is At(d) in whole fen, without building a decimal; ok is false
// when the total is too large for that (callers then use At).
func (s *Series) FenAt(d Date) (fen int64, ok bool) {
	s.load()
	i := s.index(d)
	if i < 0 {
		return 0, true
	}
	return s.Points[i].fen, s.Points[i].big == nil
}

// At is the total at the end of d. A series still encoded is read in
// place, up to d, without decoding it: `balance` over thousands of units
// asks each for one date.
func (s *Series) At(d Date) decimal.Decimal {
	if s.raw != nil {
		if fen, ok := rawFenAt(s.raw, d); ok {
			return decimal.New(fen, -2)
		}
	}
	return s.atIndex(s.index(d))
}

// rawFenAt reads an encoded series' total at the end of d; ok is false
// when a total there is not in fen (the caller decodes instead).
func rawFenAt(raw []byte, d Date) (fen int64, ok bool) {
	r := NewReader(raw)
	n := r.Len()
	prev := Date(0)
	for i := 0; i < n && r.err == nil; i++ {
		prev += Date(r.Uint())
		if prev > d {
			break
		}
		v := r.Uint()
		if v == bigMarker {
			return 0, false
		}
		fen = int64(v>>1) ^ -int64(v&1)
	}
	return fen, r.err == nil
}

// Between is what was booked in the closed range [from, to].
func (s *Series) Between(from, to Date) decimal.Decimal {
	return s.At(to).Sub(s.At(from.Prev()))
}

// Final is the total after every booked date.
func (s *Series) Final() decimal.Decimal {
	s.load()
	return s.atIndex(len(s.Points) - 1)
}

// MinFrom is the lowest total at the end of d or any later date, and the
// first date it is reached.
func (s *Series) MinFrom(d Date) (decimal.Decimal, Date) {
	s.load()
	i := s.index(d)
	min, at := Point{Date: d}, d
	if i >= 0 {
		min = s.Points[i]
	}
	for i++; i < len(s.Points); i++ {
		if s.Points[i].less(min) {
			min, at = s.Points[i], s.Points[i].Date
		}
	}
	if i := s.index(d); i < 0 && min.big == nil && min.fen == 0 {
		return ZeroFen, at
	}
	return min.Total(), at
}

// NegativeFrom reports whether the total is below zero at the end of d or
// any later date: MinFrom without building a decimal, for the hot path.
func (s *Series) NegativeFrom(d Date) bool {
	s.load()
	i := s.index(d)
	if i < 0 {
		i = 0
	}
	for ; i < len(s.Points); i++ {
		p := s.Points[i]
		if p.big == nil && p.fen < 0 || p.big != nil && p.big.IsNegative() {
			return true
		}
	}
	return false
}

// ZeroFrom reports whether the total is zero at the end of d and stays so:
// no change after d, and nothing left.
func (s *Series) ZeroFrom(d Date) bool {
	s.load()
	n := len(s.Points)
	if n == 0 {
		return true
	}
	last := s.Points[n-1]
	return last.Date <= d && last.big == nil && last.fen == 0
}

// ZeroSince reports the date from which the total is zero for good: zero
// is true when the last total is zero (or nothing was booked, since 0),
// so that ZeroFrom(d) is zero && since <= d.
func (s *Series) ZeroSince() (since Date, zero bool) {
	s.load()
	n := len(s.Points)
	if n == 0 {
		return 0, true
	}
	last := s.Points[n-1]
	return last.Date, last.big == nil && last.fen == 0
}

// DatesFrom lists the dates ≥ d on which the total changes.
func (s *Series) DatesFrom(d Date) []Date { return s.AppendDatesFrom([]Date{}, d) }

// AppendDatesFrom appends DatesFrom(d) to dst.
func (s *Series) AppendDatesFrom(dst []Date, d Date) []Date {
	s.load()
	n := len(s.Points)
	if n == 0 || s.Points[n-1].Date < d {
		return dst
	}
	i := sort.Search(n, func(i int) bool { return s.Points[i].Date >= d })
	for ; i < n; i++ {
		dst = append(dst, s.Points[i].Date)
	}
	return dst
}

// Empty reports whether nothing non-zero was ever booked.
func (s *Series) Empty() bool { return s.raw == nil && len(s.Points) == 0 }
