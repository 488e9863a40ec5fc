package quota

import (
	"math"
	"math/big"
	"sort"
	"unsafe"

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
// Totals are exact whole fen, kept in 96 bits: a ledger holds tens of
// millions of points, and a point of 16 bytes without a pointer costs a
// third less memory than one with a decimal behind it and nothing to the
// garbage collector, which never looks into an array without pointers.
// Every amount of the ledger is whole fen (SPEC §2); a delta that is not
// is rounded to the fen, as the cache writes every amount. 96 bits hold
// ±3.9×10^26 yuan: with no amount above 10^15 yuan, a total could leave
// that range only after 4×10^11 lines of the largest amount (tens of
// terabytes of input), so it never does. Callers see decimals only.
//
// A series read from the cache stays encoded until first used, so
// that a query loading thousands of units decodes only the series it
// reads: a schedule needs principal, not the eight other running totals
// of each holding.
type Series struct {
	// A national ledger holds millions of series, most of them in
	// holdings of nine: this is a slice header cut to 16 bytes (an
	// int32 length and capacity, which no series nears), and the encoded
	// form shares it, so a holding takes a third of the memory it took
	// with a []Point and a []byte side by side. Only points, setPoints,
	// encoded and encodedSeries below look at these fields.
	data unsafe.Pointer // the points' array, or the encoding's first byte
	n    int32          // points, or bytes of the encoding
	c    int32          // the array's capacity in points; encoded when < 0
}

// points is the series' points, decoded first if it is still encoded.
// The slice's capacity is the array's: appending to it and storing the
// result with setPoints is appending to the series.
func (s *Series) points() []Point {
	if s.c < 0 {
		s.load()
	}
	if s.data == nil {
		return nil
	}
	return unsafe.Slice((*Point)(s.data), s.c)[:s.n]
}

// setPoints makes p the series' points.
func (s *Series) setPoints(p []Point) {
	if cap(p) > math.MaxInt32 {
		panic("quota: a series of more than 2^31 points") // see Series
	}
	s.data, s.n, s.c = unsafe.Pointer(unsafe.SliceData(p)), int32(len(p)), int32(cap(p))
}

// encoded is the series' encoding as read from the cache, or nil once it
// is decoded (or when it never was encoded).
func (s *Series) encoded() []byte {
	if s.c >= 0 {
		return nil
	}
	return unsafe.Slice((*byte)(s.data), s.n)
}

// encodedSeries is a series kept as its encoding, body, until used; body
// is shorter than 2^31 bytes (Reader.Series sees to it).
func encodedSeries(body []byte) Series {
	return Series{data: unsafe.Pointer(unsafe.SliceData(body)), n: int32(len(body)), c: -1}
}

// load decodes a series read from the cache on first use. The cache is
// trusted here as everywhere queries read it; `check` is what compares it,
// byte for byte, with a replay of the journal.
func (s *Series) load() {
	if raw := s.encoded(); raw != nil {
		r := NewReader(raw)
		*s = Series{}
		s.setPoints(r.points())
	}
}

// Point is the running total at the end of Date, in fen: the 96-bit
// two's complement hi·2^64 + lo.
type Point struct {
	Date Date
	hi   int32
	lo   uint64
}

// ZeroFen is zero at the fen's scale. Every amount in the ledger has two
// decimals; keeping zero at that scale too spares decimal a rescale (a
// big-integer power) on every sum.
var ZeroFen = decimal.New(0, -2)

// fenLimit bounds the totals given as int64 fen (FenAt, the cache's
// varints), so that callers may add a few of them without overflow.
const fenLimit = 1 << 62

var (
	fenHi = decimal.New(fenLimit, -2)
	fenLo = decimal.New(-fenLimit, -2)
)

// toFen gives an amount as whole fen when it is one and fits.
func toFen(d decimal.Decimal) (int64, bool) {
	// Every parsed amount is at the fen's scale, where comparing with the
	// limits compares two big integers' words (NumDigits, used here
	// before, took a floating-point logarithm: 0.27 s per 1M lines).
	if d.Exponent() == -2 {
		if d.Cmp(fenHi) < 0 && d.Cmp(fenLo) > 0 {
			return d.CoefficientInt64(), true
		}
		return 0, false
	}
	if d.Exponent() > -2 || !d.Equal(d.Round(2)) {
		d = d.Round(2)
	}
	if d.Exponent() != -2 {
		return 0, false
	}
	if d.Cmp(fenHi) >= 0 || d.Cmp(fenLo) <= 0 {
		return 0, false
	}
	return d.CoefficientInt64(), true
}

// pointOf is a point with the given total, rounded to the fen; ok is
// false when its magnitude needs more than 95 bits (96 with the sign).
func pointOf(d Date, total decimal.Decimal) (p Point, ok bool) {
	p.Date = d
	if fen, small := toFen(total); small {
		p.setFen(fen)
		return p, true
	}
	c := total.Round(2).Coefficient() // whole fen, as a big.Int
	if c.BitLen() > 95 {
		return p, false
	}
	var lo big.Int
	lo.And(c, mask64) // two's complement low 64 bits, for negatives too
	p.lo = lo.Uint64()
	p.hi = int32(new(big.Int).Rsh(c, 64).Int64())
	return p, true
}

var mask64 = new(big.Int).SetUint64(math.MaxUint64)

func (p *Point) setFen(fen int64) { p.hi, p.lo = int32(fen>>63), uint64(fen) }

// fen is the total as int64 fen, when |total| < fenLimit.
func (p Point) fen() (int64, bool) {
	v := int64(p.lo)
	return v, p.hi == int32(v>>63) && v < fenLimit && v > -fenLimit
}

// Total is the running total at the end of the point's date.
func (p Point) Total() decimal.Decimal {
	if v, ok := p.fen(); ok {
		return decimal.New(v, -2)
	}
	c := new(big.Int).Lsh(big.NewInt(int64(p.hi)), 64)
	c.Add(c, new(big.Int).SetUint64(p.lo))
	return decimal.NewFromBigInt(c, -2)
}

// add adds the 96-bit hi·2^64 + lo to the total.
func (p *Point) add(hi int32, lo uint64) {
	sum := p.lo + lo
	var carry int64
	if sum < p.lo {
		carry = 1
	}
	h := int64(p.hi) + int64(hi) + carry
	if h != int64(int32(h)) {
		panic("quota: a running total beyond ±3.9×10^26 yuan") // see Series
	}
	p.hi, p.lo = int32(h), sum
}

// neg is −p's total.
func (p Point) neg() (hi int32, lo uint64) {
	lo = ^p.lo + 1
	hi = ^p.hi
	if lo == 0 {
		hi++
	}
	return hi, lo
}

func (p Point) isZero() bool     { return p.hi == 0 && p.lo == 0 }
func (p Point) isNegative() bool { return p.hi < 0 }

func (p Point) less(q Point) bool {
	if p.hi != q.hi {
		return p.hi < q.hi
	}
	return p.lo < q.lo
}

// Add books delta on date d.
func (s *Series) Add(d Date, delta decimal.Decimal) { s.add(d, delta, false) }

// Sub books −delta on date d: Add(d, delta.Neg()) without building the
// negated decimal.
func (s *Series) Sub(d Date, delta decimal.Decimal) { s.add(d, delta, true) }

func (s *Series) add(d Date, delta decimal.Decimal, neg bool) {
	pts := s.points()
	var v Point
	if fen, small := toFen(delta); small {
		v.setFen(fen)
	} else if big, ok := pointOf(d, delta); ok {
		v = big // beyond 4.6×10^16 yuan, never a single amount
	} else {
		panic("quota: an amount beyond ±3.9×10^26 yuan") // see Series
	}
	if v.isZero() {
		return
	}
	if neg {
		v.hi, v.lo = v.neg()
	}
	n := len(pts)
	if n == 0 || pts[n-1].Date < d {
		p := Point{Date: d}
		if n > 0 {
			p.hi, p.lo = pts[n-1].hi, pts[n-1].lo
		}
		p.add(v.hi, v.lo)
		s.setPoints(append(pts, p))
		return
	}
	i := sort.Search(n, func(i int) bool { return pts[i].Date >= d })
	if pts[i].Date != d {
		pts = append(pts, Point{})
		copy(pts[i+1:], pts[i:])
		p := Point{Date: d}
		if i > 0 {
			p.hi, p.lo = pts[i-1].hi, pts[i-1].lo
		}
		pts[i] = p
		s.setPoints(pts)
	}
	for j := i; j < len(pts); j++ {
		pts[j].add(v.hi, v.lo)
	}
}

func (s *Series) atIndex(i int) decimal.Decimal {
	pts := s.points()
	if i < 0 {
		return ZeroFen
	}
	return pts[i].Total()
}

func (s *Series) index(d Date) int {
	pts := s.points()
	// Most reads are at or after the last change.
	if n := len(pts); n == 0 || pts[n-1].Date <= d {
		return n - 1
	}
	return sort.Search(len(pts), func(i int) bool { return pts[i].Date > d }) - 1
}

// FenAt is At(d) in whole fen, without building a decimal; ok is false
// when the total is too large for that (callers then use At).
func (s *Series) FenAt(d Date) (fen int64, ok bool) {
	pts := s.points()
	i := s.index(d)
	if i < 0 {
		return 0, true
	}
	return pts[i].fen()
}

// At is the total at the end of d. A series still encoded is read in
// place, up to d, without decoding it: `balance` over thousands of units
// asks each for one date.
func (s *Series) At(d Date) decimal.Decimal {
	if raw := s.encoded(); raw != nil {
		if fen, ok := rawFenAt(raw, d); ok {
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
	pts := s.points()
	return s.atIndex(len(pts) - 1)
}

// MinFrom is the lowest total at the end of d or any later date, and the
// first date it is reached.
func (s *Series) MinFrom(d Date) (decimal.Decimal, Date) {
	pts := s.points()
	i := s.index(d)
	min, at := Point{Date: d}, d
	if i >= 0 {
		min = pts[i]
	}
	for i++; i < len(pts); i++ {
		if pts[i].less(min) {
			min, at = pts[i], pts[i].Date
		}
	}
	if i := s.index(d); i < 0 && min.isZero() {
		return ZeroFen, at
	}
	return min.Total(), at
}

// NegativeFrom reports whether the total is below zero at the end of d or
// any later date: MinFrom without building a decimal, for the hot path.
func (s *Series) NegativeFrom(d Date) bool {
	pts := s.points()
	i := s.index(d)
	if i < 0 {
		i = 0
	}
	for ; i < len(pts); i++ {
		if pts[i].isNegative() {
			return true
		}
	}
	return false
}

// ZeroFrom reports whether the total is zero at the end of d and stays so:
// no change after d, and nothing left.
func (s *Series) ZeroFrom(d Date) bool {
	pts := s.points()
	n := len(pts)
	if n == 0 {
		return true
	}
	last := pts[n-1]
	return last.Date <= d && last.isZero()
}

// ZeroSince reports the date from which the total is zero for good: zero
// is true when the last total is zero (or nothing was booked, since 0),
// so that ZeroFrom(d) is zero && since <= d.
func (s *Series) ZeroSince() (since Date, zero bool) {
	pts := s.points()
	n := len(pts)
	if n == 0 {
		return 0, true
	}
	last := pts[n-1]
	return last.Date, last.isZero()
}

// DatesFrom lists the dates ≥ d on which the total changes.
func (s *Series) DatesFrom(d Date) []Date { return s.AppendDatesFrom([]Date{}, d) }

// AppendDatesFrom appends DatesFrom(d) to dst.
func (s *Series) AppendDatesFrom(dst []Date, d Date) []Date {
	pts := s.points()
	n := len(pts)
	if n == 0 || pts[n-1].Date < d {
		return dst
	}
	i := sort.Search(n, func(i int) bool { return pts[i].Date >= d })
	for ; i < n; i++ {
		dst = append(dst, pts[i].Date)
	}
	return dst
}

// Empty reports whether nothing non-zero was ever booked.
func (s *Series) Empty() bool { return s.n == 0 }
