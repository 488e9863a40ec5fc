package debt

import (
	"fmt"

	"github.com/debtledger/debtledger/quota"
	"github.com/shopspring/decimal"
)

// HiddenDebt is a unit's recognised hidden debt (隐性债务) and its
// resolution (化解). It is not statutory debt and touches no limit.
type HiddenDebt struct {
	Stock      quota.Series
	Resolved   quota.Series
	Unresolved quota.Series // stock − resolved (rule 5)
	ByMethod   map[string]*quota.Series
}

// Methods of resolution.
var Methods = []string{"fiscal_funds", "asset_disposal", "project_income", "convert_to_commercial", "refinance_or_extend", "restructure"}

func (b *Book) hidden(unit string) *HiddenDebt {
	h := b.Hidden[unit]
	if h == nil {
		h = &HiddenDebt{ByMethod: map[string]*quota.Series{}}
		b.Hidden[unit] = h
	}
	return h
}

// HiddenStock is the `hidden_stock` event.
type HiddenStock struct {
	Unit   string
	Amount decimal.Decimal
}

func decodeHiddenStock(f *quota.Fields) quota.Body {
	return &HiddenStock{Unit: f.Code("unit"), Amount: f.Amount("amount")}
}

func (s *HiddenStock) Canon(c *quota.Canon) {
	c.Str("unit", s.Unit)
	c.Amount("amount", s.Amount)
}

func (b *Book) addHidden(h *quota.Header, s *HiddenStock) error {
	if _, err := b.Quota.Ref("hidden_stock", s.Unit); err != nil {
		return err
	}
	return b.bookHidden(s.Unit, h.Date, s.Amount, quota.ZeroFen, "")
}

// Resolution is the `hidden_resolve` event.
type Resolution struct {
	Unit   string
	Amount decimal.Decimal
	Method string
}

func decodeResolution(f *quota.Fields) quota.Body {
	return &Resolution{Unit: f.Code("unit"), Amount: f.Amount("amount"), Method: f.Enum("method", Methods...)}
}

func (r *Resolution) Canon(c *quota.Canon) {
	c.Str("unit", r.Unit)
	c.Amount("amount", r.Amount)
	c.Str("method", r.Method)
}

func (b *Book) resolve(h *quota.Header, r *Resolution) error {
	if _, err := b.Quota.Ref("hidden_resolve", r.Unit); err != nil {
		return err
	}
	return b.bookHidden(r.Unit, h.Date, quota.ZeroFen, r.Amount, r.Method)
}

func (b *Book) bookHidden(unit string, d quota.Date, stock, resolved decimal.Decimal, method string) error {
	hd := b.hidden(unit)
	hd.Stock.Add(d, stock)
	hd.Resolved.Add(d, resolved)
	hd.Unresolved.Add(d, stock.Sub(resolved))
	if method != "" {
		s := hd.ByMethod[method]
		if s == nil {
			s = &quota.Series{}
			hd.ByMethod[method] = s
		}
		s.Add(d, resolved)
	}
	return nonNegative(&hd.Unresolved, d, func(min decimal.Decimal, at quota.Date) error {
		return fmt.Errorf("hidden: %s would have resolved %s of a hidden-debt stock of %s, on %s",
			unit, quota.Yi(hd.Resolved.At(at)), quota.Yi(hd.Stock.At(at)), at)
	})
}

// PlanKey is a unit's hidden-debt plan for one month.
type PlanKey struct {
	Unit   string
	Period quota.Period
}

// HiddenPlan is the `hidden_plan` event: planned resolution for a month.
type HiddenPlan struct {
	Unit        string
	Year, Month int
	Amount      decimal.Decimal
}

func decodeHiddenPlan(f *quota.Fields) quota.Body {
	return &HiddenPlan{Unit: f.Code("unit"), Year: f.Int("year", 1, 9999), Month: f.Int("month", 1, 12), Amount: f.Amount("amount")}
}

func (p *HiddenPlan) Canon(c *quota.Canon) {
	c.Str("unit", p.Unit)
	c.Int("year", p.Year)
	c.Int("month", p.Month)
	c.Amount("amount", p.Amount)
}

func (p *HiddenPlan) key() PlanKey { return PlanKey{p.Unit, quota.NewPeriod(p.Year, p.Month)} }

func (p *HiddenPlan) onceKey() string { return "hidden_plan|" + p.Unit + "|" + p.key().Period.String() }

// Plans are booked on their entry's date: "planned to date" counts plans
// recorded by then.
func (b *Book) plan(h *quota.Header, p *HiddenPlan) error {
	if _, err := b.Quota.Ref("hidden_plan", p.Unit); err != nil {
		return err
	}
	if err := b.Quota.OnceOf(p.Unit).Claim(p.onceKey(), h.Date, "hidden_plan", "the plan of "+p.Unit+" for "+p.key().Period.String()); err != nil {
		return err
	}
	series(b.Planned, p.key()).Add(h.Date, p.Amount)
	return nil
}

// BudgetKey is a unit's budget line for a year.
type BudgetKey struct {
	Unit string
	Year int
	Item string
}

// Budget is the `budget` event: the year's budgeted debt service or hidden
// debt resolution.
type Budget struct {
	Unit   string
	Year   int
	Item   string
	Amount decimal.Decimal
}

func decodeBudget(f *quota.Fields) quota.Body {
	return &Budget{
		Unit:   f.Code("unit"),
		Year:   f.Int("year", 1, 9999),
		Item:   f.Enum("item", "debt_service", "hidden_resolution"),
		Amount: f.Amount("amount"),
	}
}

func (g *Budget) Canon(c *quota.Canon) {
	c.Str("unit", g.Unit)
	c.Int("year", g.Year)
	c.Str("item", g.Item)
	c.Amount("amount", g.Amount)
}

func (g *Budget) onceKey() string { return fmt.Sprintf("budget|%s|%d|%s", g.Unit, g.Year, g.Item) }

func (b *Book) budget(h *quota.Header, g *Budget) error {
	if _, err := b.Quota.Ref("budget", g.Unit); err != nil {
		return err
	}
	if err := b.Quota.OnceOf(g.Unit).Claim(g.onceKey(), h.Date, "budget", fmt.Sprintf("the %d %s budget of %s", g.Year, g.Item, g.Unit)); err != nil {
		return err
	}
	series(b.Budgets, BudgetKey{g.Unit, g.Year, g.Item}).Add(h.Date, g.Amount)
	return nil
}
