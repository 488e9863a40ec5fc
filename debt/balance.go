package debt

import (
	"encoding/json"

	"github.com/debtledger/debtledger/quota"
	"github.com/shopspring/decimal"
)

// Figures is outstanding principal per debt kind and in total.
type Figures struct {
	General quota.Money `json:"general"`
	Special quota.Money `json:"special"`
	Total   quota.Money `json:"total"`
}

func (f *Figures) add(kind string, d decimal.Decimal) {
	switch kind {
	case quota.General:
		f.General.Decimal = f.General.Add(d)
	case quota.Special:
		f.Special.Decimal = f.Special.Add(d)
	}
	f.Total.Decimal = f.Total.Add(d)
}

// UnitFigures is one unit's own principal, a row of `balance --by unit`.
type UnitFigures struct {
	Unit string `json:"unit"`
	Name string `json:"name"`
	Figures
}

// BondPrincipal is one of a unit's holdings, a row of `balance --by bond`.
type BondPrincipal struct {
	Bond      string      `json:"bond"`
	Kind      string      `json:"kind"`
	Principal quota.Money `json:"principal"`
}

// BalanceReport is the `balance` query (SPEC §5): a unit's own and subtree
// outstanding principal at the end of a day, optionally broken down.
type BalanceReport struct {
	Unit    string
	AsOf    quota.Date
	By      string // "", "unit" or "bond": which breakdown is written
	Own     Figures
	Subtree Figures
	Units   []UnitFigures   // By "unit": every unit of the subtree
	Bonds   []BondPrincipal // By "bond": the unit's own non-zero holdings
}

// MarshalJSON writes the shape of SPEC §5: `units` only by unit, `bonds`
// only by bond (an empty list, not an absent key, when there are none).
func (r *BalanceReport) MarshalJSON() ([]byte, error) {
	out := struct {
		Unit    string           `json:"unit"`
		AsOf    string           `json:"as_of"`
		Own     Figures          `json:"own"`
		Subtree Figures          `json:"subtree"`
		Units   *[]UnitFigures   `json:"units,omitempty"`
		Bonds   *[]BondPrincipal `json:"bonds,omitempty"`
	}{Unit: r.Unit, AsOf: r.AsOf.String(), Own: r.Own, Subtree: r.Subtree}
	switch r.By {
	case "unit":
		units := append([]UnitFigures{}, r.Units...)
		out.Units = &units
	case "bond":
		bonds := append([]BondPrincipal{}, r.Bonds...)
		out.Bonds = &bonds
	}
	return json.Marshal(out)
}

// OwnFigures is a unit's own outstanding principal at the end of asOf.
func (b *Book) OwnFigures(unit string, asOf quota.Date) Figures {
	var f Figures
	for _, kind := range quota.DebtKinds {
		f.add(kind, quota.Figure(b.Principal, quota.UnitKind{Unit: unit, Kind: kind}).At(asOf))
	}
	return f
}

// Balance answers `balance` for a unit that exists: figures at the end of
// asOf; by is "", "unit" or "bond". It reads the unit's own and subtree
// principal, and with by "unit" every subtree unit's own.
func (b *Book) Balance(unit string, asOf quota.Date, by string) *BalanceReport {
	r := &BalanceReport{Unit: unit, AsOf: asOf, By: by, Own: b.OwnFigures(unit, asOf), Subtree: b.SubtreeFigures(unit, asOf)}
	if by == "unit" {
		for _, u := range b.Quota.Subtree(unit) {
			r.Units = append(r.Units, UnitFigures{Unit: u, Name: b.unitName(u), Figures: b.OwnFigures(u, asOf)})
		}
	}
	if by == "bond" {
		for _, code := range b.UnitBonds[unit] {
			p := b.Holding(code, unit).Principal.At(asOf)
			if p.IsZero() {
				continue
			}
			r.Bonds = append(r.Bonds, BondPrincipal{Bond: code, Kind: b.bondKind(code), Principal: quota.M(p)})
		}
	}
	return r
}

func (b *Book) unitName(unit string) string {
	if u := b.Quota.Units[unit]; u != nil {
		return u.Name
	}
	return ""
}

func (b *Book) bondKind(code string) string {
	if bd := b.Bonds[code]; bd != nil {
		return bd.Kind
	}
	return ""
}
