package quota

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// Kinds of debt and of quota.
const (
	General     = "general"
	Special     = "special"
	Refinancing = "refinancing"
)

// DebtKinds are the two kinds of statutory debt, each with its own limit.
var DebtKinds = []string{General, Special}

// UnitKind keys a figure held per unit and debt kind.
type UnitKind struct {
	Unit, Kind string
}

// GrantKey keys a quota figure: per unit, quota year and quota kind.
type GrantKey struct {
	Unit string
	Year int
	Kind string
}

// Exposure is what the debt side must answer when a limit moves: whether
// the unit's own outstanding principal of the kind (less unapplied
// refinancing proceeds) stays within its limit at from and every later date.
type Exposure interface {
	CheckLimit(unit, kind string, from Date) error
}

// Book is the quota side of the ledger's state: the unit tree, debt limits
// and quotas. It knows nothing of bonds; the debt side reports quota use
// through UseQuota and answers limit checks through Exposure.
type Book struct {
	Units map[string]*Unit
	Root  string

	// Limit is each unit's own debt limit: opening limit plus general or
	// special quota received minus passed down (rule 2's right-hand side).
	Limit map[UnitKind]*Series
	// Once holds the once-only entries of both sides (limit, opening,
	// hidden_plan, budget), per unit.
	Once map[string]OnceOnly

	Received map[GrantKey]*Series // quota received from above
	Passed   map[GrantKey]*Series // quota passed down to children
	// Unused is received minus principal on-lent into the unit (rule 3).
	Unused map[GrantKey]*Series

	exposure Exposure
}

// NewBook is an empty quota book.
func NewBook() *Book {
	return &Book{
		Units:    map[string]*Unit{},
		Limit:    map[UnitKind]*Series{},
		Once:     map[string]OnceOnly{},
		Received: map[GrantKey]*Series{},
		Passed:   map[GrantKey]*Series{},
		Unused:   map[GrantKey]*Series{},
	}
}

// SetExposure wires in the debt side's limit check.
func (b *Book) SetExposure(e Exposure) { b.exposure = e }

func seriesOf[K comparable](m map[K]*Series, k K) *Series {
	s := m[k]
	if s == nil {
		s = &Series{}
		m[k] = s
	}
	return s
}

// key forms keep registered unit codes (see Code).
func (b *Book) grantKey(unit string, year int, kind string) GrantKey {
	return GrantKey{b.Code(unit), year, kind}
}

// LimitSeries is the unit's own limit of a debt kind over time.
func (b *Book) LimitSeries(unit, kind string) *Series {
	return seriesOf(b.Limit, UnitKind{b.Code(unit), kind})
}

// Figure reads a series without creating it.
func Figure[K comparable](m map[K]*Series, k K) *Series {
	if s := m[k]; s != nil {
		return s
	}
	return &Series{}
}

// UseQuota books principal of a bond (value-date year, quota kind) on-lent
// into unit on date d, and checks rule 3 from d on.
func (b *Book) UseQuota(unit string, year int, kind string, d Date, amount decimal.Decimal) error {
	k := b.grantKey(unit, year, kind)
	s := seriesOf(b.Unused, k)
	s.Sub(d, amount)
	// Nearly always nothing is below zero: say so without building the
	// minimum's decimal or looking the series up again.
	if !s.NegativeFrom(d) {
		return nil
	}
	return b.checkUnused(k, d)
}

func (b *Book) checkUnused(k GrantKey, d Date) error {
	if min, at := Figure(b.Unused, k).MinFrom(d); min.IsNegative() {
		received := Figure(b.Received, k).At(at)
		return fmt.Errorf("quota: %s would have %s of %d %s bonds on-lent in against %s %d %s quota received on %s",
			k.Unit, Yi(received.Sub(min)), k.Year, kindWord(k.Kind), Yi(received), k.Year, k.Kind, at)
	}
	return nil
}

func kindWord(kind string) string {
	if kind == Refinancing {
		return "refinancing"
	}
	return "new " + kind
}

// Yi writes an amount in 亿 for messages, exact to the fen.
func Yi(d decimal.Decimal) string {
	s := d.Div(yi).String()
	return s + "亿"
}

// checkLimit runs rule 2 for a unit whose limit moved.
func (b *Book) checkLimit(unit, kind string, d Date) error {
	if b.exposure == nil || unit == "" || kind == Refinancing {
		return nil
	}
	return b.exposure.CheckLimit(unit, kind, d)
}
