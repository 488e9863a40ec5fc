package debt

import (
	"fmt"
	"sort"

	"github.com/debtledger/debtledger/quota"
	"github.com/shopspring/decimal"
)

// Project is the `project` event: a project of a unit that new bond funds
// pay for.
type Project struct {
	Code, Name, Unit, Sector, Kind string
}

func decodeProject(f *quota.Fields) quota.Body {
	return &Project{
		Code:   f.Code("code"),
		Name:   f.Text("name"),
		Unit:   f.Code("unit"),
		Sector: f.Text("sector"),
		Kind:   f.Enum("kind", quota.General, quota.Special),
	}
}

func (p *Project) Canon(c *quota.Canon) {
	c.Str("code", p.Code)
	c.Str("name", p.Name)
	c.Str("unit", p.Unit)
	c.Str("sector", p.Sector)
	c.Str("kind", p.Kind)
}

func (b *Book) addProject(p *Project) error {
	if b.Projects[p.Code] != nil {
		return fmt.Errorf("project: %s is already registered", p.Code)
	}
	if _, err := b.Quota.Ref("project", p.Unit); err != nil {
		return err
	}
	b.Projects[p.Code] = p
	list := b.UnitProjects[p.Unit]
	i := sort.SearchStrings(list, p.Code)
	list = append(list, "")
	copy(list[i+1:], list[i:])
	list[i] = p.Code
	b.UnitProjects[p.Unit] = list
	return nil
}

func (b *Book) removeProject(p *Project) error {
	if n := b.ProjectRefs[p.Code]; n > 0 {
		return fmt.Errorf("reverse: project %s is named by %d other entries", p.Code, n)
	}
	delete(b.Projects, p.Code)
	delete(b.ProjectRefs, p.Code)
	list := b.UnitProjects[p.Unit]
	if i := sort.SearchStrings(list, p.Code); i < len(list) && list[i] == p.Code {
		b.UnitProjects[p.Unit] = append(list[:i], list[i+1:]...)
	}
	return nil
}

// UseKey is one bond's funds in one project.
type UseKey struct {
	Bond, Project string
}

// Use is a bond's funds allocated to and spent by a project.
type Use struct {
	Allocated quota.Series
	Spent     quota.Series
	Unspent   quota.Series // allocated − spent (rule 5)
}

func (b *Book) use(bond, project string) *Use {
	k := UseKey{bond, project}
	u := b.Uses[k]
	if u == nil && len(b.packedUses) > 0 {
		u = b.unpackUse(k)
	}
	if u == nil {
		if p := b.Projects[project]; p != nil {
			k.Project = p.Code
		}
		k.Bond = b.bondCode(bond)
		u = &Use{}
		b.Uses[k] = u
	}
	return u
}

// ProjectBonds lists the bonds a project has funds of, sorted.
func (b *Book) ProjectBonds(project string) []string {
	var out []string
	for k := range b.Uses {
		if k.Project == project {
			out = append(out, k.Bond)
		}
	}
	sort.Strings(out)
	return out
}

// Allocation is the `allocate` event: new bond funds a unit assigns to one
// of its projects.
type Allocation struct {
	Bond, Project string
	Amount        decimal.Decimal
}

func decodeAllocation(f *quota.Fields) quota.Body {
	return &Allocation{Bond: f.Code("bond"), Project: f.Code("project"), Amount: f.Amount("amount")}
}

func (a *Allocation) Canon(c *quota.Canon) {
	c.Str("bond", a.Bond)
	c.Str("project", a.Project)
	c.Amount("amount", a.Amount)
}

func (b *Book) projectFor(rule, code string) (*Project, error) {
	p := b.Projects[code]
	if p == nil {
		return nil, fmt.Errorf("%s: project %s is not registered", rule, code)
	}
	b.ProjectRefs[code]++
	return p, nil
}

func (b *Book) allocate(h *quota.Header, a *Allocation) error {
	bond, err := b.bondFor("allocate", a.Bond, h.Date)
	if err != nil {
		return err
	}
	p, err := b.projectFor("allocate", a.Project)
	if err != nil {
		return err
	}
	if bond.Purpose != NewMoney {
		return fmt.Errorf("allocate: bond %s is a refinancing bond; only new bonds fund projects", bond.Code)
	}
	if bond.Kind != p.Kind {
		return fmt.Errorf("allocate: bond %s is %s but project %s is %s", bond.Code, bond.Kind, p.Code, p.Kind)
	}
	return b.bookAllocation(bond, p, a, h.Date, a.Amount)
}

func (b *Book) bookAllocation(bond *Bond, p *Project, a *Allocation, d quota.Date, amount decimal.Decimal) error {
	u := b.use(a.Bond, a.Project)
	u.Allocated.Add(d, amount)
	u.Unspent.Add(d, amount)
	h := b.holding(a.Bond, p.Unit)
	h.Allocated.Add(d, amount)
	h.Free.Sub(d, amount)
	if err := nonNegative(&h.Free, d, func(min decimal.Decimal, at quota.Date) error {
		return fmt.Errorf("allocate: %s would allocate %s of bond %s, %s more than it received net, on %s",
			p.Unit, quota.Yi(h.Allocated.At(at)), a.Bond, quota.Yi(min.Neg()), at)
	}); err != nil {
		return err
	}
	return b.checkUnspent(a.Bond, a.Project, d)
}

func (b *Book) checkUnspent(bond, project string, d quota.Date) error {
	u := b.use(bond, project)
	return nonNegative(&u.Unspent, d, func(min decimal.Decimal, at quota.Date) error {
		return fmt.Errorf("spend: project %s would have spent %s of bond %s against %s allocated, on %s",
			project, quota.Yi(u.Spent.At(at)), bond, quota.Yi(u.Allocated.At(at)), at)
	})
}

func (b *Book) undoAllocation(d quota.Date, a *Allocation) error {
	return b.bookAllocation(b.Bonds[a.Bond], b.Projects[a.Project], a, d, a.Amount.Neg())
}

// Spending is the `spend` event: allocated bond funds paid out (支出).
type Spending struct {
	Project, Bond string
	Amount        decimal.Decimal
}

func decodeSpending(f *quota.Fields) quota.Body {
	return &Spending{Project: f.Code("project"), Bond: f.Code("bond"), Amount: f.Amount("amount")}
}

func (s *Spending) Canon(c *quota.Canon) {
	c.Str("project", s.Project)
	c.Str("bond", s.Bond)
	c.Amount("amount", s.Amount)
}

func (b *Book) spend(h *quota.Header, s *Spending) error {
	if _, err := b.bondFor("spend", s.Bond, h.Date); err != nil {
		return err
	}
	if _, err := b.projectFor("spend", s.Project); err != nil {
		return err
	}
	return b.bookSpending(s, h.Date, s.Amount)
}

func (b *Book) bookSpending(s *Spending, d quota.Date, amount decimal.Decimal) error {
	u := b.use(s.Bond, s.Project)
	u.Spent.Add(d, amount)
	u.Unspent.Sub(d, amount)
	return b.checkUnspent(s.Bond, s.Project, d)
}
