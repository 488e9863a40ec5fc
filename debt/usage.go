package debt

import (
	"sort"

	"github.com/debtledger/debtledger/quota"
	"github.com/shopspring/decimal"
)

// ProjectsReport is the `projects` query: bond funds allocated to and spent
// by projects at the end of AsOf.
type ProjectsReport struct {
	Unit     string        `json:"unit,omitempty"`
	Bond     string        `json:"bond,omitempty"`
	Sector   string        `json:"sector,omitempty"`
	AsOf     string        `json:"as_of"`
	Projects []ProjectLine `json:"projects"`
	Total    ProjectGroup  `json:"total"`
}

// ProjectLine is one project's funds. Bonds lists the bonds it has funds
// of (only the bond filtered on, when there is one).
type ProjectLine struct {
	Code      string        `json:"code"`
	Name      string        `json:"name"`
	Unit      string        `json:"unit"`
	Sector    string        `json:"sector"`
	Kind      string        `json:"kind"`
	Bonds     []string      `json:"bonds"`
	Allocated quota.Money   `json:"allocated"`
	Spent     quota.Money   `json:"spent"`
	Progress  quota.Percent `json:"progress"` // spent ÷ allocated × 100
}

// ProjectGroup sums projects: the total, or one sector or unit.
type ProjectGroup struct {
	Key       string        `json:"key,omitempty"`
	Projects  int           `json:"projects"`
	Allocated quota.Money   `json:"allocated"`
	Spent     quota.Money   `json:"spent"`
	Progress  quota.Percent `json:"progress"`
}

func (g *ProjectGroup) add(p *ProjectLine) {
	g.Projects++
	addTo(&g.Allocated, p.Allocated.Decimal)
	addTo(&g.Spent, p.Spent.Decimal)
	g.Progress = quota.PercentOf(g.Spent.Decimal, g.Allocated.Decimal)
}

// ProjectsReport lists projects with their funds at the end of asOf, in
// project code order. Filters (each "" for all): unit (its whole subtree),
// bond (projects with funds of that bond, and only that bond's figures),
// sector.
func (b *Book) ProjectsReport(unit, bond, sector string, asOf quota.Date) *ProjectsReport {
	r := &ProjectsReport{Unit: unit, Bond: bond, Sector: sector, AsOf: asOf.String(), Projects: []ProjectLine{}}
	uses := map[string][]UseKey{}
	for k := range b.Uses {
		if bond == "" || k.Bond == bond {
			uses[k.Project] = append(uses[k.Project], k)
		}
	}
	for _, code := range sortedKeys(b.Projects) {
		p := b.Projects[code]
		if (unit != "" && !b.Quota.InSubtree(unit, p.Unit)) || (sector != "" && p.Sector != sector) {
			continue
		}
		line := ProjectLine{Code: p.Code, Name: p.Name, Unit: p.Unit, Sector: p.Sector, Kind: p.Kind, Bonds: []string{}}
		keys := uses[code]
		sort.Slice(keys, func(i, j int) bool { return keys[i].Bond < keys[j].Bond })
		for _, k := range keys {
			u := b.Uses[k]
			a, s := u.Allocated.At(asOf), u.Spent.At(asOf)
			if a.IsZero() && s.IsZero() {
				continue
			}
			line.Bonds = append(line.Bonds, k.Bond)
			addTo(&line.Allocated, a)
			addTo(&line.Spent, s)
		}
		if bond != "" && len(line.Bonds) == 0 {
			continue
		}
		line.Progress = quota.PercentOf(line.Spent.Decimal, line.Allocated.Decimal)
		r.Projects = append(r.Projects, line)
		r.Total.add(&line)
	}
	return r
}

// BySector sums the projects per sector, in sector order.
func (r *ProjectsReport) BySector() []ProjectGroup {
	return r.group(func(p *ProjectLine) string { return p.Sector })
}

// ByUnit sums the projects per unit, in unit code order.
func (r *ProjectsReport) ByUnit() []ProjectGroup {
	return r.group(func(p *ProjectLine) string { return p.Unit })
}

func (r *ProjectsReport) group(key func(*ProjectLine) string) []ProjectGroup {
	groups := map[string]*ProjectGroup{}
	for i := range r.Projects {
		k := key(&r.Projects[i])
		g := groups[k]
		if g == nil {
			g = &ProjectGroup{Key: k}
			groups[k] = g
		}
		g.add(&r.Projects[i])
	}
	out := make([]ProjectGroup, 0, len(groups))
	for _, k := range sortedKeys(groups) {
		out = append(out, *groups[k])
	}
	return out
}

// yearToDate is [1 January of year, asOf], cut at the year's end; empty
// (from after to) when asOf is before the year.
func yearToDate(year int, asOf quota.Date) (from, to quota.Date) {
	from, to = quota.NewDate(year, 1, 1), quota.NewDate(year, 12, 31)
	if asOf < to {
		to = asOf
	}
	return from, to
}

func between(s *quota.Series, from, to quota.Date) decimal.Decimal {
	if from > to {
		return decimal.Zero
	}
	return s.Between(from, to)
}

// HiddenReport is the `hidden` query: hidden debt (隐性债务) and its
// resolution (化解) in a year up to AsOf, per unit of a subtree.
type HiddenReport struct {
	Unit  string       `json:"unit"`
	Year  int          `json:"year"`
	AsOf  string       `json:"as_of"`
	Units []HiddenLine `json:"units"`
	Total HiddenLine   `json:"total"`
}

// HiddenLine is one unit's hidden debt, or the subtree's total (no unit).
type HiddenLine struct {
	Unit string `json:"unit,omitempty"`
	Name string `json:"name,omitempty"`
	// Stock is the hidden debt recognised at AsOf, Unresolved what of it is
	// still to resolve.
	Stock      quota.Money `json:"stock"`
	Unresolved quota.Money `json:"unresolved"`
	// Planned is the plans for the year's months up to AsOf's month, as
	// recorded by AsOf; Resolved is what was resolved in the year to AsOf.
	Planned  quota.Money `json:"planned"`
	Resolved quota.Money `json:"resolved"`
	// VsPlan is Resolved ÷ Planned; VsStock is Resolved ÷ the stock the
	// year had to resolve (unresolved at AsOf plus resolved in the year).
	VsPlan   quota.Percent  `json:"progress_vs_plan"`
	VsStock  quota.Percent  `json:"progress_vs_stock"`
	ByMethod []MethodAmount `json:"by_method"`
}

// MethodAmount is what one resolution method resolved.
type MethodAmount struct {
	Method string      `json:"method"`
	Amount quota.Money `json:"amount"`
}

func (l *HiddenLine) finish() {
	l.VsPlan = quota.PercentOf(l.Resolved.Decimal, l.Planned.Decimal)
	l.VsStock = quota.PercentOf(l.Resolved.Decimal, l.Unresolved.Add(l.Resolved.Decimal))
}

func (l *HiddenLine) isZero() bool {
	return l.Stock.IsZero() && l.Unresolved.IsZero() && l.Planned.IsZero() && l.Resolved.IsZero()
}

// HiddenReport reports hidden debt of unit's subtree for year up to asOf:
// one line per unit with any hidden figure, in subtree order, and the total.
func (b *Book) HiddenReport(unit string, year int, asOf quota.Date) *HiddenReport {
	r := &HiddenReport{Unit: unit, Year: year, AsOf: asOf.String(), Units: []HiddenLine{}}
	from, to := yearToDate(year, asOf)
	methods := map[string]decimal.Decimal{}
	for _, u := range b.Quota.Subtree(unit) {
		line := HiddenLine{Unit: u, Name: b.unitName(u), ByMethod: []MethodAmount{}}
		for m := 1; m <= 12; m++ {
			if p := quota.NewPeriod(year, m); p <= asOf.Period() {
				addTo(&line.Planned, quota.Figure(b.Planned, PlanKey{u, p}).At(asOf))
			}
		}
		if hd := b.Hidden[u]; hd != nil {
			line.Stock = quota.M(hd.Stock.At(asOf))
			line.Unresolved = quota.M(hd.Unresolved.At(asOf))
			line.Resolved = quota.M(between(&hd.Resolved, from, to))
			for _, m := range Methods {
				if s := hd.ByMethod[m]; s != nil {
					if a := between(s, from, to); !a.IsZero() {
						line.ByMethod = append(line.ByMethod, MethodAmount{m, quota.M(a)})
						methods[m] = methods[m].Add(a)
					}
				}
			}
		}
		if line.isZero() && len(line.ByMethod) == 0 {
			continue
		}
		line.finish()
		r.Units = append(r.Units, line)
		addTo(&r.Total.Stock, line.Stock.Decimal)
		addTo(&r.Total.Unresolved, line.Unresolved.Decimal)
		addTo(&r.Total.Planned, line.Planned.Decimal)
		addTo(&r.Total.Resolved, line.Resolved.Decimal)
	}
	r.Total.ByMethod = []MethodAmount{}
	for _, m := range Methods {
		if a, ok := methods[m]; ok && !a.IsZero() {
			r.Total.ByMethod = append(r.Total.ByMethod, MethodAmount{m, quota.M(a)})
		}
	}
	r.Total.finish()
	return r
}

// Execution is budgets against what was paid, for a year up to AsOf.
type Execution struct {
	Unit  string          `json:"unit"`
	Year  int             `json:"year"`
	AsOf  string          `json:"as_of"`
	Units []ExecutionUnit `json:"units"`
	Total ExecutionUnit   `json:"total"`
}

// ExecutionUnit is one unit's budget execution, or the subtree's (no unit).
type ExecutionUnit struct {
	Unit             string          `json:"unit,omitempty"`
	Name             string          `json:"name,omitempty"`
	DebtService      DebtServiceLine `json:"debt_service"`
	HiddenResolution ExecutionLine   `json:"hidden_resolution"`
}

// ExecutionLine is a budget line and what was executed against it.
type ExecutionLine struct {
	Budget   quota.Money   `json:"budget"`
	Executed quota.Money   `json:"executed"`
	Progress quota.Percent `json:"progress"` // executed ÷ budget × 100
}

// DebtServiceLine is the debt-service budget against principal, interest
// and fees paid (principal repaid from refinancing proceeds included).
type DebtServiceLine struct {
	ExecutionLine
	Principal quota.Money `json:"principal"`
	Interest  quota.Money `json:"interest"`
	Fee       quota.Money `json:"fee"`
}

func (e *ExecutionUnit) add(o *ExecutionUnit) {
	addTo(&e.DebtService.Budget, o.DebtService.Budget.Decimal)
	addTo(&e.DebtService.Principal, o.DebtService.Principal.Decimal)
	addTo(&e.DebtService.Interest, o.DebtService.Interest.Decimal)
	addTo(&e.DebtService.Fee, o.DebtService.Fee.Decimal)
	addTo(&e.HiddenResolution.Budget, o.HiddenResolution.Budget.Decimal)
	addTo(&e.HiddenResolution.Executed, o.HiddenResolution.Executed.Decimal)
}

func (e *ExecutionUnit) finish() {
	ds := &e.DebtService
	ds.Executed = quota.M(ds.Principal.Add(ds.Interest.Decimal).Add(ds.Fee.Decimal))
	ds.Progress = quota.PercentOf(ds.Executed.Decimal, ds.Budget.Decimal)
	hr := &e.HiddenResolution
	hr.Progress = quota.PercentOf(hr.Executed.Decimal, hr.Budget.Decimal)
}

func (e *ExecutionUnit) isZero() bool {
	return e.DebtService.Budget.IsZero() && e.DebtService.Principal.IsZero() && e.DebtService.Interest.IsZero() &&
		e.DebtService.Fee.IsZero() && e.HiddenResolution.Budget.IsZero() && e.HiddenResolution.Executed.IsZero()
}

// Execution compares the year's budgets of unit's subtree (entries dated
// by asOf) with what was paid in the year up to asOf: the debt_service
// budget with principal, interest and fees repaid, the hidden_resolution
// budget with hidden debt resolved. One line per unit with any figure, in
// subtree order, and the total.
func (b *Book) Execution(unit string, year int, asOf quota.Date) *Execution {
	r := &Execution{Unit: unit, Year: year, AsOf: asOf.String(), Units: []ExecutionUnit{}}
	from, to := yearToDate(year, asOf)
	for _, u := range b.Quota.Subtree(unit) {
		line := ExecutionUnit{Unit: u, Name: b.unitName(u)}
		line.DebtService.Budget = quota.M(quota.Figure(b.Budgets, BudgetKey{u, year, "debt_service"}).At(asOf))
		line.HiddenResolution.Budget = quota.M(quota.Figure(b.Budgets, BudgetKey{u, year, "hidden_resolution"}).At(asOf))
		for _, code := range b.UnitBonds[u] {
			h := b.Holding(code, u)
			addTo(&line.DebtService.Principal, between(&h.Repaid, from, to))
			addTo(&line.DebtService.Interest, between(&h.Interest, from, to))
			addTo(&line.DebtService.Fee, between(&h.Fee, from, to))
		}
		if hd := b.Hidden[u]; hd != nil {
			line.HiddenResolution.Executed = quota.M(between(&hd.Resolved, from, to))
		}
		if line.isZero() {
			continue
		}
		line.finish()
		r.Units = append(r.Units, line)
		r.Total.add(&line)
	}
	r.Total.finish()
	return r
}

// QuotaStatus is the `quota` query: the unit's quota of a year per kind
// (quota.Book.Status), with its own outstanding principal of each debt
// kind at asOf filled in.
func (b *Book) QuotaStatus(unit string, year int, asOf quota.Date) []quota.QuotaLine {
	lines := b.Quota.Status(unit, year, asOf)
	for i := range lines {
		if lines[i].Kind == quota.Refinancing {
			continue
		}
		bal := quota.M(quota.Figure(b.Principal, quota.UnitKind{Unit: unit, Kind: lines[i].Kind}).At(asOf))
		lines[i].Balance = &bal
	}
	return lines
}

// sortedKeys lists a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
