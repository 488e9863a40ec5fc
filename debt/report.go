package debt

import (
	"fmt"
	"strings"

	"github.com/debtledger/debtledger/quota"
	"github.com/shopspring/decimal"
)

// Report is the budget-execution summary (`report`, SPEC §5) of a unit's
// subtree for a period: flows dated in [Start, End] (a reversal counts
// negative on its own date), stock figures at the end of End.
type Report struct {
	Unit        string            `json:"unit"`
	From        string            `json:"from"`
	To          string            `json:"to"`
	Quota       ReportQuota       `json:"quota"`
	Received    ReportReceived    `json:"received"`
	Projects    ReportProjects    `json:"projects"`
	Repaid      ReportRepaid      `json:"repaid"`
	Balance     ReportBalance     `json:"balance"`
	DebtService ReportDebtService `json:"debt_service"`
	Hidden      ReportHidden      `json:"hidden"`
	BondFunds   ReportBondFunds   `json:"bond_funds"`

	Start, End quota.Date `json:"-"`
}

// ReportQuota is the quota granted to the unit itself for the year of End,
// gross of what it passed down.
type ReportQuota struct {
	General     quota.Money `json:"general"`
	Special     quota.Money `json:"special"`
	Refinancing quota.Money `json:"refinancing"`
}

// ReportReceived is principal on-lent into the subtree from outside it.
type ReportReceived struct {
	NewGeneral  quota.Money `json:"new_general"`
	NewSpecial  quota.Money `json:"new_special"`
	Refinancing quota.Money `json:"refinancing"`
	Total       quota.Money `json:"total"`
	// Batches counts the distinct value dates of the new bonds received
	// (发行批次), each bond netted on its own.
	Batches int `json:"batches"`
}

// ReportProjects counts the subtree's projects whose allocations in the
// period net to more than zero, by project kind.
type ReportProjects struct {
	General int `json:"general"`
	Special int `json:"special"`
}

// ReportRepaid is what the subtree paid on its bonds (还本付息); principal
// includes what refinancing proceeds repaid.
type ReportRepaid struct {
	Principal quota.Money `json:"principal"`
	Interest  quota.Money `json:"interest"`
	Fee       quota.Money `json:"fee"`
	Total     quota.Money `json:"total"`
}

// ReportBalance is the subtree's outstanding principal at End.
type ReportBalance struct {
	End quota.Money `json:"end"`
}

// ReportDebtService is the subtree's debt-service budget for End's year.
type ReportDebtService struct {
	Budget quota.Money `json:"budget"`
}

// ReportHidden is hidden-debt resolution: the year's budget, the plans for
// the months the period touches, and what was resolved in the period.
type ReportHidden struct {
	Budget   quota.Money `json:"budget"`
	Planned  quota.Money `json:"planned"`
	Resolved quota.Money `json:"resolved"`
}

// ReportBondFunds is new bond funds allocated to and spent by the subtree's
// projects in the period.
type ReportBondFunds struct {
	Allocated quota.Money `json:"allocated"`
	Spent     quota.Money `json:"spent"`
}

func addTo(m *quota.Money, d decimal.Decimal) { m.Decimal = m.Add(d) }

// Report answers `report` for a unit that exists and from ≤ to.
func (b *Book) Report(unit string, from, to quota.Date) *Report {
	r := &Report{Unit: unit, From: from.String(), To: to.String(), Start: from, End: to}
	year := to.Year()
	units := b.Quota.Subtree(unit)
	inScope := make(map[string]bool, len(units))
	for _, u := range units {
		inScope[u] = true
	}

	grant := func(kind string) quota.Money {
		return quota.M(quota.Figure(b.Quota.Received, quota.GrantKey{Unit: unit, Year: year, Kind: kind}).At(to))
	}
	r.Quota = ReportQuota{General: grant(quota.General), Special: grant(quota.Special), Refinancing: grant(quota.Refinancing)}

	batches := map[quota.Date]bool{}
	for _, code := range b.UnitBonds[unit] {
		bd := b.Bonds[code]
		if bd == nil {
			continue
		}
		in := b.Holding(code, unit).In.Between(from, to)
		switch {
		case bd.Purpose == Refinancing:
			addTo(&r.Received.Refinancing, in)
		case bd.Kind == quota.General:
			addTo(&r.Received.NewGeneral, in)
		default:
			addTo(&r.Received.NewSpecial, in)
		}
		addTo(&r.Received.Total, in)
		if bd.Purpose == NewMoney && in.IsPositive() {
			batches[bd.ValueDate] = true
		}
	}
	r.Received.Batches = len(batches)

	for _, u := range units {
		for _, code := range b.UnitBonds[u] {
			h := b.Holding(code, u)
			addTo(&r.Repaid.Principal, h.Repaid.Between(from, to))
			addTo(&r.Repaid.Interest, h.Interest.Between(from, to))
			addTo(&r.Repaid.Fee, h.Fee.Between(from, to))
		}
		own := b.OwnFigures(u, to)
		addTo(&r.Balance.End, own.Total.Decimal)
		addTo(&r.DebtService.Budget, quota.Figure(b.Budgets, BudgetKey{u, year, "debt_service"}).At(to))
		addTo(&r.Hidden.Budget, quota.Figure(b.Budgets, BudgetKey{u, year, "hidden_resolution"}).At(to))
		for p := from.Period(); p <= to.Period(); p = p.Next() {
			addTo(&r.Hidden.Planned, quota.Figure(b.Planned, PlanKey{u, p}).At(to))
		}
		if hd := b.Hidden[u]; hd != nil {
			addTo(&r.Hidden.Resolved, hd.Resolved.Between(from, to))
		}
	}
	r.Repaid.Total = quota.M(r.Repaid.Principal.Add(r.Repaid.Interest.Decimal).Add(r.Repaid.Fee.Decimal))

	allocated := map[string]decimal.Decimal{}
	for k, use := range b.Uses {
		p := b.Projects[k.Project]
		if p == nil || !inScope[p.Unit] {
			continue
		}
		a := use.Allocated.Between(from, to)
		allocated[k.Project] = allocated[k.Project].Add(a)
		addTo(&r.BondFunds.Allocated, a)
		addTo(&r.BondFunds.Spent, use.Spent.Between(from, to))
	}
	for code, a := range allocated {
		if !a.IsPositive() {
			continue
		}
		if b.Projects[code].Kind == quota.General {
			r.Projects.General++
		} else {
			r.Projects.Special++
		}
	}
	return r
}

// yi writes an amount in 亿元 with two decimals.
func yi(m quota.Money) string { return quota.FormatIn(m.Decimal, "yi") }

// Prose writes the report as text: for "zh" a paragraph in the style of a
// finance bureau's report on budget execution (§一(三) of the seed report),
// amounts in 亿元; otherwise a plain English table, amounts in yuan.
func (r *Report) Prose(lang string, b *Book) string {
	if lang == "zh" {
		return r.zh(b)
	}
	return r.en()
}

func (r *Report) zh(b *Book) string {
	name := b.unitName(r.Unit)
	grantor := "自治区财政厅"
	lender := "自治区"
	if u := b.Quota.Units[r.Unit]; u != nil && u.Parent != "" {
		grantor = b.unitName(u.Parent)
		lender = grantor
	} else {
		grantor = "经自治区人民政府批准，" + grantor
	}
	year := r.End.Year()
	newQuota := quota.M(r.Quota.General.Add(r.Quota.Special.Decimal))
	newReceived := quota.M(r.Received.NewGeneral.Add(r.Received.NewSpecial.Decimal))
	paid := quota.M(r.Repaid.Principal.Add(r.Repaid.Interest.Decimal))

	var s strings.Builder
	fmt.Fprintf(&s, "%d年，%s下达%s新增地方政府债务限额%s亿元，其中：新增一般债务%s亿元，新增专项债务%s亿元；下达%s再融资债券规模%s亿元。",
		year, grantor, name, yi(newQuota), yi(r.Quota.General), yi(r.Quota.Special), name, yi(r.Quota.Refinancing))
	fmt.Fprintf(&s, "截至%s，共收到%s转贷的地方政府债券%s亿元，其中：新增一般债券%s亿元，新增专项债券%s亿元，再融资债券%s亿元；共偿还到期本息%s亿元",
		zhUntil(r.End), lender, yi(r.Received.Total), yi(r.Received.NewGeneral), yi(r.Received.NewSpecial), yi(r.Received.Refinancing), yi(paid))
	if !r.Repaid.Fee.IsZero() {
		fmt.Fprintf(&s, "，支付发行服务费%s亿元", yi(r.Repaid.Fee))
	}
	fmt.Fprintf(&s, "，地方政府法定债务余额%s亿元。", yi(r.Balance.End))
	s.WriteString("\n\n")
	fmt.Fprintf(&s, "%s，收到%s转贷的新增地方政府债券资金%s亿元，其中：新增一般债券%s亿元，涉及项目%d个；新增专项债券%s亿元，涉及项目%d个。",
		zhPeriod(r.Start, r.End), lender, yi(newReceived), yi(r.Received.NewGeneral), r.Projects.General, yi(r.Received.NewSpecial), r.Projects.Special)
	fmt.Fprintf(&s, "已安排新增债券资金%s亿元，支出%s亿元，支出进度%s%%。",
		yi(r.BondFunds.Allocated), yi(r.BondFunds.Spent), quota.PercentOf(r.BondFunds.Spent.Decimal, r.BondFunds.Allocated.Decimal).StringFixed(2))
	fmt.Fprintf(&s, "%d年预算安排还本付息资金%s亿元、隐性债务化解资金%s亿元；按计划化解隐性债务%s亿元",
		year, yi(r.DebtService.Budget), yi(r.Hidden.Budget), yi(r.Hidden.Resolved))
	if !r.Hidden.Planned.IsZero() {
		fmt.Fprintf(&s, "，为计划的%s%%", quota.PercentOf(r.Hidden.Resolved.Decimal, r.Hidden.Planned.Decimal).StringFixed(2))
	}
	s.WriteString("。\n")
	return s.String()
}

// zhUntil is "6月底" on a month's last day, else "6月15日".
func zhUntil(d quota.Date) string {
	if d == d.Period().Last() {
		return fmt.Sprintf("%d月底", d.Month())
	}
	return fmt.Sprintf("%d月%d日", d.Month(), d.Day())
}

// zhPeriod is "1-6月" for whole months of one year, else the two dates.
func zhPeriod(from, to quota.Date) string {
	if from.Year() == to.Year() && from.Day() == 1 && to == to.Period().Last() {
		if from.Month() == to.Month() {
			return fmt.Sprintf("%d月", from.Month())
		}
		return fmt.Sprintf("%d-%d月", from.Month(), to.Month())
	}
	return fmt.Sprintf("%d年%d月%d日至%d年%d月%d日", from.Year(), from.Month(), from.Day(), to.Year(), to.Month(), to.Day())
}

func (r *Report) en() string {
	year := r.End.Year()
	rows := [][2]string{
		{fmt.Sprintf("Quota granted for %d, general", year), r.Quota.General.StringFixed(2)},
		{fmt.Sprintf("Quota granted for %d, special", year), r.Quota.Special.StringFixed(2)},
		{fmt.Sprintf("Refinancing scale for %d", year), r.Quota.Refinancing.StringFixed(2)},
		{"Bonds received, new general", r.Received.NewGeneral.StringFixed(2)},
		{"Bonds received, new special", r.Received.NewSpecial.StringFixed(2)},
		{"Bonds received, refinancing", r.Received.Refinancing.StringFixed(2)},
		{"Bonds received, total", r.Received.Total.StringFixed(2)},
		{"Issue batches of new bonds", fmt.Sprint(r.Received.Batches)},
		{"Projects funded, general", fmt.Sprint(r.Projects.General)},
		{"Projects funded, special", fmt.Sprint(r.Projects.Special)},
		{"Principal repaid", r.Repaid.Principal.StringFixed(2)},
		{"Interest paid", r.Repaid.Interest.StringFixed(2)},
		{"Fees paid", r.Repaid.Fee.StringFixed(2)},
		{"Debt service, total", r.Repaid.Total.StringFixed(2)},
		{"Statutory debt balance at end", r.Balance.End.StringFixed(2)},
		{fmt.Sprintf("Debt-service budget %d", year), r.DebtService.Budget.StringFixed(2)},
		{"Bond funds allocated", r.BondFunds.Allocated.StringFixed(2)},
		{"Bond funds spent", r.BondFunds.Spent.StringFixed(2)},
		{fmt.Sprintf("Hidden-debt resolution budget %d", year), r.Hidden.Budget.StringFixed(2)},
		{"Hidden debt planned for the period", r.Hidden.Planned.StringFixed(2)},
		{"Hidden debt resolved", r.Hidden.Resolved.StringFixed(2)},
	}
	width, valueWidth := 0, 0
	for _, row := range rows {
		width, valueWidth = max(width, len(row[0])), max(valueWidth, len(row[1]))
	}
	var s strings.Builder
	fmt.Fprintf(&s, "Budget execution of %s and its subtree, %s to %s (amounts in yuan)\n\n", r.Unit, r.From, r.To)
	for _, row := range rows {
		fmt.Fprintf(&s, "%-*s  %*s\n", width, row[0], valueWidth, row[1])
	}
	return s.String()
}
