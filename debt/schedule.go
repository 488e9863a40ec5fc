package debt

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/debtledger/debtledger/quota"
	"github.com/shopspring/decimal"
)

// ScheduleQuery selects the `schedule` (SPEC §5): flows falling due strictly
// after AsOf on the principal outstanding at AsOf, of Unit's own holdings or
// of its whole subtree, filtered to flow dates in [From, To] (0 = open) and
// grouped by month, or by year with ByYear.
type ScheduleQuery struct {
	Unit     string
	Subtree  bool
	AsOf     quota.Date
	From, To quota.Date
	ByYear   bool
}

// ScheduleRow is what falls due in one month ("2024-03") or year ("2024").
type ScheduleRow struct {
	Period    string
	Principal decimal.Decimal
	Interest  decimal.Decimal
	Total     decimal.Decimal
}

// MarshalJSON writes {"period","principal","interest","total"}.
func (r ScheduleRow) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Period    string      `json:"period"`
		Principal quota.Money `json:"principal"`
		Interest  quota.Money `json:"interest"`
		Total     quota.Money `json:"total"`
	}{r.Period, quota.M(r.Principal), quota.M(r.Interest), quota.M(r.Total)})
}

// Flow is principal and interest one holding pays on one date.
type Flow struct {
	Date      quota.Date
	Principal decimal.Decimal
	Interest  decimal.Decimal
}

// Schedule answers `schedule`: the projected repayments of every (bond,
// unit) holding in scope, summed per period, periods whose total is zero
// left out, in date order.
func (b *Book) Schedule(q ScheduleQuery) []ScheduleRow {
	units := []string{q.Unit}
	if q.Subtree {
		units = b.Quota.Subtree(q.Unit)
	}
	to := q.To
	if to == 0 {
		to = quota.NoDate
	}
	rows := map[string]*ScheduleRow{}
	row := func(d quota.Date) *ScheduleRow {
		key := periodKey(d, q.ByYear)
		r := rows[key]
		if r == nil {
			r = &ScheduleRow{Period: key}
			rows[key] = r
		}
		return r
	}
	// Sums in fen per period, folded into the decimal rows at the end (or
	// when they would grow past what an int64 holds).
	sums := map[int]*[2]uint64{}
	addFen := func(d quota.Date, principal, interest uint64) {
		if d < q.From || d > to {
			return
		}
		key := d.Year()*100 + d.Month()
		if q.ByYear {
			key = d.Year()
		}
		s := sums[key]
		if s == nil {
			s = &[2]uint64{}
			sums[key] = s
		}
		if s[0]+principal >= 1<<62 || s[1]+interest >= 1<<62 {
			r := row(d)
			r.Principal = r.Principal.Add(decimal.New(int64(s[0]), -2))
			r.Interest = r.Interest.Add(decimal.New(int64(s[1]), -2))
			s[0], s[1] = 0, 0
		}
		s[0] += principal
		s[1] += interest
	}
	plans := map[string]*plan{}
	for _, u := range units {
		for _, code := range b.UnitBonds[u] {
			bond := b.Bonds[code]
			if bond == nil {
				continue
			}
			h := b.Holding(code, u)
			if fen, ok := h.Principal.FenAt(q.AsOf); ok && fen >= 0 {
				if fen == 0 {
					continue
				}
				p := plans[code]
				if p == nil {
					p = bond.plan(q.AsOf)
					plans[code] = p
				}
				if p.project(uint64(fen), addFen) {
					continue
				}
			}
			for _, f := range bond.Projection(h.Principal.At(q.AsOf), q.AsOf) {
				if f.Date < q.From || f.Date > to {
					continue
				}
				r := row(f.Date)
				r.Principal = r.Principal.Add(f.Principal)
				r.Interest = r.Interest.Add(f.Interest)
			}
		}
	}
	for key, s := range sums {
		d := quota.NewDate(key/100, key%100, 1)
		if q.ByYear {
			d = quota.NewDate(key, 1, 1)
		}
		r := row(d)
		r.Principal = r.Principal.Add(decimal.New(int64(s[0]), -2))
		r.Interest = r.Interest.Add(decimal.New(int64(s[1]), -2))
	}
	out := make([]ScheduleRow, 0, len(rows))
	for _, r := range rows {
		r.Total = r.Principal.Add(r.Interest)
		if !r.Total.IsZero() {
			out = append(out, *r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Period < out[j].Period })
	return out
}

// periodKey is "YYYY-MM", or "YYYY" by year.
func periodKey(d quota.Date, byYear bool) string {
	if byYear {
		return fmt.Sprintf("%04d", d.Year())
	}
	return fmt.Sprintf("%04d-%02d", d.Year(), d.Month())
}

// MaturityProfile is the schedule by year, what `schedule --chart` draws.
func (b *Book) MaturityProfile(q ScheduleQuery) []ScheduleRow {
	q.ByYear = true
	return b.Schedule(q)
}

// CouponDates lists the bond's coupon dates: the value date plus k×12
// months (annual) or k×6 months (semiannual), each computed from the value
// date with the day clamped to the month's end, every one before maturity,
// then the maturity itself.
func (bd *Bond) CouponDates() []quota.Date {
	return bd.couponDatesAfter(0)
}

func (bd *Bond) couponStep() int {
	if bd.Interest == "semiannual" {
		return 6
	}
	return 12
}

// couponDatesAfter lists the coupon dates strictly after d.
func (bd *Bond) couponDatesAfter(d quota.Date) []quota.Date {
	step := bd.couponStep()
	// Skip the coupons long past: k0 periods on is still on or before d.
	k := 1
	if d > bd.ValueDate {
		months := (d.Year()*12 + d.Month()) - (bd.ValueDate.Year()*12 + bd.ValueDate.Month())
		if k0 := months/step - 1; k0 > k {
			k = k0
		}
	}
	var out []quota.Date
	for ; ; k++ {
		c := bd.ValueDate.AddMonths(k * step)
		if c >= bd.Maturity {
			break
		}
		if c > d {
			out = append(out, c)
		}
	}
	if bd.Maturity > d {
		out = append(out, bd.Maturity)
	}
	return out
}

// PrincipalDue splits principal outstanding at the end of asOf over the
// principal dates after asOf: all at maturity, or the amortization dates
// still to come in proportion to their percents, each share rounded
// half-up to the fen and the last taking the remainder, so that the shares
// add up to the principal exactly.
func (bd *Bond) PrincipalDue(principal decimal.Decimal, asOf quota.Date) []Flow {
	var steps []Step
	sum := decimal.Zero
	for _, s := range bd.Steps() {
		if s.Date > asOf {
			steps = append(steps, s)
			sum = sum.Add(s.Percent)
		}
	}
	out := make([]Flow, 0, len(steps))
	left := principal
	for i, s := range steps {
		share := left
		if i < len(steps)-1 {
			share = principal.Mul(s.Percent).DivRound(sum, 2)
		}
		left = left.Sub(share)
		out = append(out, Flow{Date: s.Date, Principal: share})
	}
	return out
}

// Projection is what a holding of the bond with principal outstanding at
// the end of asOf pays after asOf, one flow per date in date order. A
// coupon is the principal outstanding just before that date's principal
// payment × rate/100 (halved when semiannual), rounded half-up to the fen;
// a short last period still pays a full coupon.
func (bd *Bond) Projection(principal decimal.Decimal, asOf quota.Date) []Flow {
	if principal.IsZero() {
		return nil
	}
	due := bd.PrincipalDue(principal, asOf)
	factor := bd.Rate.Div(hundred)
	if bd.Interest == "semiannual" {
		factor = factor.Div(decimal.NewFromInt(2))
	}
	byDate := map[quota.Date]*Flow{}
	var dates []quota.Date
	at := func(d quota.Date) *Flow {
		f := byDate[d]
		if f == nil {
			f = &Flow{Date: d}
			byDate[d] = f
			dates = append(dates, d)
		}
		return f
	}
	for _, f := range due {
		at(f.Date).Principal = f.Principal
	}
	outstanding, i := principal, 0
	for _, c := range bd.couponDatesAfter(asOf) {
		for ; i < len(due) && due[i].Date < c; i++ {
			outstanding = outstanding.Sub(due[i].Principal)
		}
		at(c).Interest = outstanding.Mul(factor).Round(2)
	}
	sort.Slice(dates, func(i, j int) bool { return dates[i] < dates[j] })
	out := make([]Flow, 0, len(dates))
	for _, d := range dates {
		if f := byDate[d]; !f.Principal.IsZero() || !f.Interest.IsZero() {
			out = append(out, *f)
		}
	}
	return out
}
