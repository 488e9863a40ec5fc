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
type Series struct {
	Points []Point
}

// ZeroFen is zero at the fen's scale. Every amount in the ledger has two
// decimals; keeping zero at that scale too spares decimal a rescale (a
// big-integer power) on every sum.
var ZeroFen = decimal.New(0, -2)

// Point is the running total at the end of Date.
type Point struct {
	Date  Date
	Total decimal.Decimal
}

// Add books delta on date d.
func (s *Series) Add(d Date, delta decimal.Decimal) {
	if delta.IsZero() {
		return
	}
	n := len(s.Points)
	if n == 0 || s.Points[n-1].Date < d {
		s.Points = append(s.Points, Point{d, s.atIndex(n - 1).Add(delta)})
		return
	}
	i := sort.Search(n, func(i int) bool { return s.Points[i].Date >= d })
	if s.Points[i].Date != d {
		s.Points = append(s.Points, Point{})
		copy(s.Points[i+1:], s.Points[i:])
		s.Points[i] = Point{d, s.atIndex(i - 1)}
	}
	for j := i; j < len(s.Points); j++ {
		s.Points[j].Total = s.Points[j].Total.Add(delta)
	}
}

func (s *Series) atIndex(i int) decimal.Decimal {
	if i < 0 {
		return ZeroFen
	}
	return s.Points[i].Total
}

// At is the total at the end of d.
func (s *Series) At(d Date) decimal.Decimal {
	i := sort.Search(len(s.Points), func(i int) bool { return s.Points[i].Date > d })
	return s.atIndex(i - 1)
}

// Between is what was booked in the closed range [from, to].
func (s *Series) Between(from, to Date) decimal.Decimal {
	return s.At(to).Sub(s.At(from.Prev()))
}

// Final is the total after every booked date.
func (s *Series) Final() decimal.Decimal { return s.atIndex(len(s.Points) - 1) }

// MinFrom is the lowest total at the end of d or any later date, and the
// first date it is reached.
func (s *Series) MinFrom(d Date) (decimal.Decimal, Date) {
	i := sort.Search(len(s.Points), func(i int) bool { return s.Points[i].Date > d })
	min, at := s.atIndex(i-1), d
	for ; i < len(s.Points); i++ {
		if s.Points[i].Total.LessThan(min) {
			min, at = s.Points[i].Total, s.Points[i].Date
		}
	}
	return min, at
}

// DatesFrom lists the dates ≥ d on which the total changes.
func (s *Series) DatesFrom(d Date) []Date {
	i := sort.Search(len(s.Points), func(i int) bool { return s.Points[i].Date >= d })
	out := make([]Date, 0, len(s.Points)-i)
	for ; i < len(s.Points); i++ {
		out = append(out, s.Points[i].Date)
	}
	return out
}

// Empty reports whether nothing non-zero was ever booked.
func (s *Series) Empty() bool { return len(s.Points) == 0 }
