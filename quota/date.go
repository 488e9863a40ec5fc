package quota

import (
	"fmt"
	"time"
)

// Date is a business date (业务日期) packed as YYYYMMDD, so that integer order
// is calendar order and no time zone can shift it.
type Date int32

// NoDate sorts after every real date; it stands for "no end".
const NoDate Date = 99999999

// ParseDate reads YYYY-MM-DD and insists on a real calendar date.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' || !allDigits(s[:4]) || !allDigits(s[5:7]) || !allDigits(s[8:]) {
		return 0, fmt.Errorf("date %s: want YYYY-MM-DD", Quoted(s))
	}
	y, m, d := atoi(s[:4]), atoi(s[5:7]), atoi(s[8:])
	if y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, fmt.Errorf("date %q: not a calendar date", s)
	}
	return NewDate(y, m, d), nil
}

// NewDate packs a valid calendar date.
func NewDate(y, m, d int) Date { return Date(y*10000 + m*100 + d) }

// DateOf is the local calendar date of t.
func DateOf(t time.Time) Date { return NewDate(t.Year(), int(t.Month()), t.Day()) }

func (d Date) Year() int  { return int(d) / 10000 }
func (d Date) Month() int { return int(d) / 100 % 100 }
func (d Date) Day() int   { return int(d) % 100 }

// String is YYYY-MM-DD. Every journal entry stores one, so it is written
// by hand rather than through fmt.
func (d Date) String() string {
	if d < 0 || d > 99999999 {
		return fmt.Sprintf("%04d-%02d-%02d", d.Year(), d.Month(), d.Day())
	}
	y, m, dd := d.Year(), d.Month(), d.Day()
	b := [10]byte{
		byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + dd/10), byte('0' + dd%10),
	}
	return string(b[:])
}

// Period is the month holding d.
func (d Date) Period() Period { return Period(d.Year()*100 + d.Month()) }

// AddMonths moves k months on, clamping the day to the month's end (as coupon
// dates do: 08-31 plus six months is 02-28 or 02-29).
func (d Date) AddMonths(k int) Date {
	m0 := d.Year()*12 + d.Month() - 1 + k
	y, m := m0/12, m0%12+1
	day := d.Day()
	if n := daysIn(y, m); day > n {
		day = n
	}
	return NewDate(y, m, day)
}

// Prev is the day before d.
func (d Date) Prev() Date {
	if d.Day() > 1 {
		return d - 1
	}
	if d.Month() > 1 {
		return NewDate(d.Year(), d.Month()-1, daysIn(d.Year(), d.Month()-1))
	}
	return NewDate(d.Year()-1, 12, 31)
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// Period is a month packed as YYYYMM.
type Period int32

// ParsePeriod reads YYYY-MM.
func ParsePeriod(s string) (Period, error) {
	if len(s) != 7 || s[4] != '-' || !allDigits(s[:4]) || !allDigits(s[5:]) {
		return 0, fmt.Errorf("period %s: want YYYY-MM", Quoted(s))
	}
	y, m := atoi(s[:4]), atoi(s[5:])
	if y < 1 || m < 1 || m > 12 {
		return 0, fmt.Errorf("period %q: not a month", s)
	}
	return Period(y*100 + m), nil
}

// NewPeriod packs a year and month.
func NewPeriod(y, m int) Period { return Period(y*100 + m) }

func (p Period) Year() int  { return int(p) / 100 }
func (p Period) Month() int { return int(p) % 100 }

func (p Period) String() string { return fmt.Sprintf("%04d-%02d", p.Year(), p.Month()) }

// First and Last are the period's first and last days.
func (p Period) First() Date { return NewDate(p.Year(), p.Month(), 1) }
func (p Period) Last() Date  { return NewDate(p.Year(), p.Month(), daysIn(p.Year(), p.Month())) }

// Next is the following month.
func (p Period) Next() Period {
	if p.Month() == 12 {
		return NewPeriod(p.Year()+1, 1)
	}
	return p + 1
}
