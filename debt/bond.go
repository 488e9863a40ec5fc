package debt

import (
	"fmt"
	"sort"

	"github.com/debtledger/debtledger/quota"
	"github.com/shopspring/decimal"
)

// Bond is the `bond` event: a bond issued by the superior government, whose
// event date is its value date (起息日).
type Bond struct {
	Code, Name   string
	Kind         string // general or special
	Purpose      string // new or refinancing
	ValueDate    quota.Date
	Maturity     quota.Date
	Rate         decimal.Decimal // percent a year
	Interest     string          // annual or semiannual
	Amortization []Step          // 分年还本; empty: all principal at maturity
}

// Step is one amortization date and the percent of principal due on it.
type Step struct {
	Date    quota.Date
	Percent decimal.Decimal
}

// Purposes of a bond.
const (
	NewMoney    = "new"
	Refinancing = "refinancing"
)

var hundred = decimal.NewFromInt(100)

func decodeBond(f *quota.Fields) quota.Body {
	b := &Bond{
		Code:     f.Code("code"),
		Name:     f.Text("name"),
		Kind:     f.Enum("kind", quota.General, quota.Special),
		Purpose:  f.Enum("purpose", NewMoney, Refinancing),
		Maturity: f.Date("maturity"),
		Rate:     f.Rate("rate"),
		Interest: f.Enum("interest", "annual", "semiannual"),
	}
	if b.Code == "TOTAL" {
		f.Fail("bond: TOTAL is not a valid bond code")
	}
	if b.Rate.GreaterThan(hundred) {
		f.Fail("bond: rate %s is above 100", b.Rate)
	}
	steps := f.Objects("amortization")
	if steps != nil && len(steps) == 0 {
		f.Fail("bond: amortization must not be empty")
	}
	for i, obj := range steps {
		sf := quota.NewFields(obj)
		s := Step{Date: sf.Date("date"), Percent: sf.Rate("percent")}
		if err := sf.Done(); err != nil {
			f.Fail("bond: amortization step %d: %v", i+1, err)
			break
		}
		b.Amortization = append(b.Amortization, s)
	}
	return b
}

func (b *Bond) Canon(c *quota.Canon) {
	c.Str("code", b.Code)
	c.Str("name", b.Name)
	c.Str("kind", b.Kind)
	c.Str("purpose", b.Purpose)
	c.Str("maturity", b.Maturity.String())
	c.Rate("rate", b.Rate)
	c.Str("interest", b.Interest)
	if len(b.Amortization) > 0 {
		s := "["
		for i, st := range b.Amortization {
			if i > 0 {
				s += ","
			}
			s += fmt.Sprintf(`{"date":%q,"percent":"%s"}`, st.Date.String(), st.Percent.StringFixed(4))
		}
		c.Raw("amortization", s+"]")
	}
}

// validate checks what depends on the value date, which is the event date.
func (b *Bond) validate() error {
	if b.Maturity <= b.ValueDate {
		return fmt.Errorf("bond: %s matures %s, not after its value date %s", b.Code, b.Maturity, b.ValueDate)
	}
	if len(b.Amortization) == 0 {
		return nil
	}
	seen := map[quota.Date]bool{}
	sum := decimal.Zero
	for _, s := range b.Amortization {
		if s.Date <= b.ValueDate || s.Date > b.Maturity {
			return fmt.Errorf("bond: %s amortization date %s is not within (%s, %s]", b.Code, s.Date, b.ValueDate, b.Maturity)
		}
		if seen[s.Date] {
			return fmt.Errorf("bond: %s amortization date %s is given twice", b.Code, s.Date)
		}
		seen[s.Date] = true
		if !s.Percent.IsPositive() {
			return fmt.Errorf("bond: %s amortization percent on %s must be > 0", b.Code, s.Date)
		}
		sum = sum.Add(s.Percent)
	}
	if !sum.Equal(hundred) {
		return fmt.Errorf("bond: %s amortization percents sum to %s, not 100", b.Code, sum)
	}
	return nil
}

// Steps is the principal schedule in date order: the amortization, or all
// at maturity.
func (b *Bond) Steps() []Step {
	if len(b.Amortization) == 0 {
		return []Step{{b.Maturity, hundred}}
	}
	s := append([]Step(nil), b.Amortization...)
	sort.Slice(s, func(i, j int) bool { return s[i].Date < s[j].Date })
	return s
}

func (b *Book) register(h *quota.Header, bond *Bond) error {
	bond.ValueDate = h.Date
	if err := bond.validate(); err != nil {
		return err
	}
	if b.Bonds[bond.Code] != nil {
		return fmt.Errorf("bond: %s is already registered", bond.Code)
	}
	b.Bonds[bond.Code] = bond
	return nil
}

func (b *Book) unregisterBond(bond *Bond) error {
	if n := b.BondRefs[bond.Code]; n > 0 {
		return fmt.Errorf("reverse: bond %s is named by %d other entries", bond.Code, n)
	}
	delete(b.Bonds, bond.Code)
	delete(b.BondRefs, bond.Code)
	return nil
}

// Holding is everything about one bond at one unit, as running totals.
type Holding struct {
	Principal quota.Series // outstanding: opening + in − out − repaid (rule 1)
	In        quota.Series // on-lent into the unit
	Out       quota.Series // passed down to children
	Repaid    quota.Series // principal repaid by the unit
	Interest  quota.Series
	Fee       quota.Series
	Applied   quota.Series // refinancing proceeds of this bond applied to repayments
	Allocated quota.Series // allocated to the unit's projects
	// Free is received net of passed down, less allocated and applied:
	// what the unit may still pass down, allocate or apply (rule 4, 5).
	Free quota.Series
	// Touched: an on-lending or repayment happened, so no `opening` may
	// follow (journal order).
	Touched bool
}

func (b *Book) holding(bond, unit string) *Holding {
	h := b.Holdings[unit][bond]
	if h == nil && len(b.packed) > 0 {
		h = b.unpack(bond, unit)
	}
	if h == nil {
		// Keys keep the registered strings, not the parsed line's, so that
		// a million imported lines are not all kept alive by their codes.
		bond, unit = b.bondCode(bond), b.Quota.Code(unit)
		m := b.Holdings[unit]
		if m == nil {
			m = map[string]*Holding{}
			b.Holdings[unit] = m
		}
		h = &Holding{}
		m[bond] = h
		list := b.UnitBonds[unit]
		i := sort.SearchStrings(list, bond)
		list = append(list, "")
		copy(list[i+1:], list[i:])
		list[i] = bond
		b.UnitBonds[unit] = list
		if bd := b.Bonds[bond]; bd != nil && bd.Purpose == Refinancing {
			uk := quota.UnitKind{Unit: unit, Kind: bd.Kind}
			b.RefBonds[uk] = append(b.RefBonds[uk], h)
			b.refJoined(uk, h)
		}
	}
	return h
}

// bondCodeOf is bondCode of a code read from a record, without copying it
// when the bond is registered (a million codes per write into a national
// ledger).
func (b *Book) bondCodeOf(code []byte) string {
	if bd := b.Bonds[string(code)]; bd != nil {
		return bd.Code
	}
	return string(code)
}

// projectCodeOf is bondCodeOf for a project's code.
func (b *Book) projectCodeOf(code []byte) string {
	if p := b.Projects[string(code)]; p != nil {
		return p.Code
	}
	return string(code)
}

func (b *Book) bondCode(code string) string {
	if bd := b.Bonds[code]; bd != nil {
		return bd.Code
	}
	return code
}

// Holding reads one holding without creating it.
func (b *Book) Holding(bond, unit string) *Holding {
	if h := b.Holdings[unit][bond]; h != nil {
		return h
	}
	if h := b.unpack(bond, unit); h != nil {
		return h
	}
	return &Holding{}
}

// checkHolding proves rule 1 and the free-proceeds rule for one holding.
func (b *Book) checkHolding(bond *Bond, unit string, d quota.Date) error {
	return b.checkHoldingOf(b.Holding(bond.Code, unit), bond, unit, d)
}

// checkHoldingOf is checkHolding of the holding h, already looked up.
func (b *Book) checkHoldingOf(h *Holding, bond *Bond, unit string, d quota.Date) error {
	if err := nonNegative(&h.Principal, d, func(min decimal.Decimal, at quota.Date) error {
		return fmt.Errorf("balance: %s would owe %s of bond %s on %s (outstanding principal below zero)", unit, quota.Yi(min), bond.Code, at)
	}); err != nil {
		return err
	}
	return nonNegative(&h.Free, d, func(min decimal.Decimal, at quota.Date) error {
		return fmt.Errorf("proceeds: %s would have passed down, allocated or applied %s more of bond %s than it received net, on %s",
			unit, quota.Yi(min.Neg()), bond.Code, at)
	})
}
