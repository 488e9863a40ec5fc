//go:build ignore

// Command gen writes the demo scenario of debtledger: the statutory and
// hidden debt of 昌吉州 (Changji Prefecture) in the first half of 2023, as
// import events (JSONL, SPEC §4), to stdout:
//
//	go run testdata/changji/gen.go > testdata/changji-2023h1.jsonl
//
// Imported into a fresh ledger (plain `init`, without --root: the file
// registers 6523 itself), `report --unit 6523 --from 2023-01-01 --to
// 2023-06-30` reproduces every figure of the finance bureau's report on the
// first half of 2023 (shared/seed/FIGURES.md) to the fen. The program is
// deterministic: its tables are the scenario, and it checks the totals
// against those figures before it writes a line.
//
// Design (what the seed report leaves open, chosen here):
//
//   - Units: 6523 昌吉州 is the root (its own holdings are 州本级), with its
//     seven counties and cities under their national division codes. The
//     three parks have no such code; the scenario gives them codes of its
//     own in the 7x range that statistical division codes use for
//     development zones: 652371 准东经济技术开发区, 652372 昌吉高新技术产业开发区,
//     652373 昌吉国家农业科技园区.
//   - Migration on 2023-01-01: each unit's 2022 year-end debt limit (its
//     opening principal plus about 5%, rounded up to 0.1亿) and 21 bonds of
//     2015–2022 held by the units, 546.54亿 in all (general 221.47亿,
//     special 325.07亿) = 584.83 − 54.59 + 16.30 (principal repaid in H1).
//   - 2023 quotas from the autonomous region in two tranches (01-18 and
//     05-26): general 21.33亿, special 41.49亿; refinancing scale 22.30亿.
//     The prefecture passes quota down to the counties and parks in two
//     tranches (02-08 and 06-02), together about 1.3× what the unit's
//     projects receive in H1, and with the first the refinancing scale each
//     needs for the bonds it owes that fall due in H1.
//   - Three issue batches (value dates 2023-02-22, 04-18, 06-08), each a new
//     general, a new special and a refinancing bond. Every new bond's
//     principal is exactly what the projects are allocated: a county
//     receives from the prefecture the sum of its projects' allocations of
//     that bond, and the prefecture receives from the region the sum over
//     the subtree. So new general 13.90亿 + new special 24.39亿 = 38.29亿 is
//     both received and allocated, over 38 general and 53 special projects;
//     14.43亿 is spent by the end of June.
//   - Three old bonds fall due in H1 (XJ2016G03 on 03-24, XJ2018S05 on
//     05-22, XJ2020G05 on 06-16, 16.30亿 of principal). Each is repaid by
//     its holders from the refinancing bond of the last batch before it, which
//     the prefecture on-lends down to every holder; 16.30亿 of refinancing
//     bonds received. Every coupon falling in H1 (the final coupons
//     included) is paid from the budget on its coupon date: principal × rate
//     × (1 or ½), per holding, 11.07亿 in all (the 州本级 holdings of
//     XJ2016G07, XJ2017G04, XJ2018G02 and XJ2022G02 are not round: they make
//     the coupons come to 11.07亿 exactly). 16.30 + 11.07 = 27.37亿; no
//     fees. The end-of-June balance is 546.54 − 16.30 + 54.59 = 584.83亿.
//   - Budgets for 2023 (dated 01-16): debt service 55.57亿 over the eleven
//     units (in proportion to their opening debt), hidden-debt resolution
//     26.46亿 over the nine units with hidden debt. Those units' hidden
//     debt stock is recorded on 01-01, their monthly plans for January to
//     June (11.11亿) on 01-16, and each month's plan is resolved in full on
//     the month's resolve date (11.11亿): quarter-end months split 70/30
//     between the unit's first two methods, the other months by one method,
//     taking the unit's methods in turn.
//
// Amounts in the tables are whole 万元 (10,000 yuan); all arithmetic is on
// integer fen and the output writes yuan with two decimals.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

// wan is an amount in 万元.
type wan int64

// fen is an amount in fen (0.01 yuan).
type fen int64

func (w wan) fen() fen { return fen(w) * 1_000_000 }

func (f fen) String() string { return fmt.Sprintf("%d.%02d", f/100, f%100) }

// yi writes an amount in 亿元 for messages.
func (f fen) yi() string { return fmt.Sprintf("%d.%010d亿", f/10_000_000_000, f%10_000_000_000) }

// rate is an interest rate in hundredths of a percent (298 = 2.98%).
type rate int64

func (r rate) String() string { return fmt.Sprintf("%d.%02d", r/100, r%100) }

const (
	root      = "6523"
	migration = "2023-01-01" // opening limits, balances and hidden-debt stock
	budgetDay = "2023-01-16" // 2023 budgets and hidden-debt plans adopted
	firstDay  = "2023-01-01"
	lastDay   = "2023-06-30"
)

// The amounts of FIGURES.md the scenario must reproduce, by report key
// (repaid.total is principal + interest: no fees are paid).
var want = map[string]fen{
	"quota.general":        wan(213300).fen(),
	"quota.special":        wan(414900).fen(),
	"quota.refinancing":    wan(223000).fen(),
	"received.new_general": wan(139000).fen(),
	"received.new_special": wan(243900).fen(),
	"received.refinancing": wan(163000).fen(),
	"repaid.total":         wan(273700).fen(),
	"balance.end":          wan(5848300).fen(),
	"bond_funds.allocated": wan(382900).fen(),
	"bond_funds.spent":     wan(144300).fen(),
	"debt_service.budget":  wan(555700).fen(),
	"hidden.budget":        wan(264600).fen(),
	"hidden.planned":       wan(111100).fen(),
	"hidden.resolved":      wan(111100).fen(),
}

// The counts of FIGURES.md: projects funded by new bonds, by kind.
var wantProjects = map[string]int{"general": 38, "special": 53}

var units = []struct{ code, name, parent string }{
	{"6523", "昌吉州", ""},
	{"652301", "昌吉市", root},
	{"652302", "阜康市", root},
	{"652323", "呼图壁县", root},
	{"652324", "玛纳斯县", root},
	{"652325", "奇台县", root},
	{"652327", "吉木萨尔县", root},
	{"652328", "木垒哈萨克自治县", root},
	{"652371", "准东经济技术开发区", root},
	{"652372", "昌吉高新技术产业开发区", root},
	{"652373", "昌吉国家农业科技园区", root},
}

// limits are the units' own debt limits at the end of 2022, 万元.
var limits = []struct {
	unit             string
	general, special wan
}{
	{"6523", 591000, 1080000},
	{"652301", 456000, 470000},
	{"652302", 171000, 296000},
	{"652323", 158000, 170000},
	{"652324", 163000, 241000},
	{"652325", 150000, 175000},
	{"652327", 112000, 240000},
	{"652328", 88000, 125000},
	{"652371", 269000, 301000},
	{"652372", 111000, 222000},
	{"652373", 60000, 99000},
}

type share struct {
	date    string
	percent int
}

type holding struct {
	unit      string
	principal wan
}

// bond is a bond issued by the autonomous region.
type bond struct {
	code, name, kind string
	refinancing      bool
	value, maturity  string
	rate             rate
	semiannual       bool
	amortization     []share
}

// legacyBond is a bond of 2015–2022 outstanding at the end of 2022, with
// its holders' principal.
type legacyBond struct {
	bond
	holders []holding
}

func lb(code, name, kind, value, maturity string, r rate, semiannual bool, amort []share, holders ...holding) legacyBond {
	return legacyBond{bond{code: code, name: name, kind: kind, value: value, maturity: maturity, rate: r, semiannual: semiannual, amortization: amort}, holders}
}

func fifths(years ...string) []share {
	out := make([]share, len(years))
	for i, y := range years {
		out[i] = share{y, 20}
	}
	return out
}

const (
	annual     = false
	semiannual = true
)

var legacy = []legacyBond{
	lb("XJ2015G02", "2015年新疆维吾尔自治区政府一般债券（二期）", "general", "2015-06-26", "2025-06-26", 352, annual, nil,
		holding{"6523", 91400}, holding{"652301", 97100}, holding{"652302", 45100}, holding{"652323", 32000}, holding{"652324", 41100}, holding{"652325", 39700}, holding{"652327", 37600}, holding{"652328", 12600}, holding{"652371", 68400}, holding{"652372", 21000}),
	lb("XJ2016G03", "2016年新疆维吾尔自治区政府一般债券（三期）", "general", "2016-03-24", "2023-03-24", 298, annual, nil,
		holding{"6523", 28700}, holding{"652301", 14200}, holding{"652323", 5700}, holding{"652324", 4300}, holding{"652327", 5200}, holding{"652328", 2700}, holding{"652371", 7700}),
	lb("XJ2016G07", "2016年新疆维吾尔自治区政府一般债券（七期）", "general", "2016-08-18", "2026-08-18", 299, annual, nil,
		holding{"6523", 52456}, holding{"652301", 56000}, holding{"652323", 24800}, holding{"652324", 19100}, holding{"652325", 19000}, holding{"652327", 17200}, holding{"652328", 9500}, holding{"652371", 39500}, holding{"652372", 20600}, holding{"652373", 13300}),
	lb("XJ2017G04", "2017年新疆维吾尔自治区政府一般债券（四期）", "general", "2017-05-12", "2027-05-12", 405, annual, nil,
		holding{"6523", 57500}, holding{"652301", 41200}, holding{"652302", 28300}, holding{"652323", 10200}, holding{"652325", 24100}, holding{"652328", 12200}, holding{"652371", 40000}, holding{"652373", 10500}),
	lb("XJ2018G02", "2018年新疆维吾尔自治区政府一般债券（二期）", "general", "2018-04-20", "2028-04-20", 399, annual, nil,
		holding{"6523", 43170}, holding{"652301", 51300}, holding{"652302", 17400}, holding{"652323", 15100}, holding{"652324", 22000}, holding{"652325", 15500}, holding{"652327", 14800}, holding{"652328", 9000}, holding{"652371", 21400}, holding{"652372", 18300}),
	lb("XJ2019G01", "2019年新疆维吾尔自治区政府一般债券（一期）", "general", "2019-02-27", "2029-02-27", 333, semiannual, nil,
		holding{"6523", 58800}, holding{"652301", 34900}, holding{"652302", 20400}, holding{"652323", 18200}, holding{"652325", 24300}, holding{"652328", 6700}, holding{"652371", 30800}, holding{"652372", 13500}, holding{"652373", 8400}),
	lb("XJ2020G05", "2020年新疆维吾尔自治区政府一般债券（五期）", "general", "2020-06-16", "2023-06-16", 241, annual, nil,
		holding{"6523", 10600}, holding{"652301", 6600}, holding{"652302", 3500}, holding{"652323", 2200}, holding{"652324", 1600}, holding{"652371", 2600}, holding{"652372", 1200}, holding{"652373", 1300}),
	lb("XJ2020G09", "2020年新疆维吾尔自治区政府一般债券（九期）", "general", "2020-10-20", "2030-10-20", 325, semiannual, nil,
		holding{"6523", 55100}, holding{"652301", 20200}, holding{"652302", 9400}, holding{"652323", 11600}, holding{"652324", 11800}, holding{"652325", 12000}, holding{"652327", 12200}, holding{"652328", 8500}, holding{"652371", 24500}, holding{"652372", 8300}, holding{"652373", 4400}),
	lb("XJ2021G03", "2021年新疆维吾尔自治区政府一般债券（三期）", "general", "2021-04-27", "2031-04-27", 340, semiannual, nil,
		holding{"6523", 45500}, holding{"652301", 31000}, holding{"652302", 14800}, holding{"652323", 10400}, holding{"652324", 11400}, holding{"652325", 8200}, holding{"652327", 5600}, holding{"652328", 3900}, holding{"652371", 20800}, holding{"652372", 5700}, holding{"652373", 5700}),
	lb("XJ2022G02", "2022年新疆维吾尔自治区政府一般债券（二期）", "general", "2022-03-15", "2029-03-15", 305, annual, nil,
		holding{"6523", 41874}, holding{"652301", 45000}, holding{"652324", 19200}, holding{"652327", 13700}, holding{"652328", 7800}, holding{"652372", 16900}, holding{"652373", 4600}),
	lb("XJ2022G06", "2022年新疆维吾尔自治区政府一般债券（六期）", "general", "2022-08-24", "2032-08-24", 280, semiannual, nil,
		holding{"6523", 77700}, holding{"652301", 36100}, holding{"652302", 23400}, holding{"652323", 20000}, holding{"652324", 24500}, holding{"652328", 10900}, holding{"652373", 8500}),
	lb("XJ2016S02", "2016年新疆维吾尔自治区政府专项债券（二期）", "special", "2016-04-14", "2026-04-14", 302, annual, nil,
		holding{"6523", 52400}, holding{"652301", 51200}, holding{"652302", 27000}, holding{"652323", 14100}, holding{"652325", 22000}, holding{"652327", 12900}, holding{"652328", 13300}, holding{"652371", 20400}, holding{"652372", 21100}, holding{"652373", 10600}),
	lb("XJ2018S05", "2018年新疆维吾尔自治区政府土地储备专项债券（五期）", "special", "2018-05-22", "2023-05-22", 392, annual, nil,
		holding{"6523", 23800}, holding{"652301", 13000}, holding{"652323", 5000}, holding{"652324", 7300}, holding{"652325", 4500}, holding{"652328", 4100}, holding{"652372", 3900}, holding{"652373", 3300}),
	lb("XJ2018S09", "2018年新疆维吾尔自治区政府专项债券（九期）", "special", "2018-09-12", "2028-09-12", 405, annual, nil,
		holding{"6523", 122600}, holding{"652302", 20300}, holding{"652323", 28100}, holding{"652324", 32200}, holding{"652325", 27100}, holding{"652327", 20800}, holding{"652371", 39300}, holding{"652372", 17600}),
	lb("XJ2019S03", "2019年新疆维吾尔自治区政府专项债券（三期）", "special", "2019-04-18", "2034-04-18", 375, semiannual,
		[]share{{"2030-04-18", 10}, {"2031-04-18", 10}, {"2032-04-18", 20}, {"2033-04-18", 30}, {"2034-04-18", 30}},
		holding{"6523", 146000}, holding{"652302", 57000}, holding{"652324", 33800}, holding{"652327", 38700}, holding{"652371", 45200}, holding{"652372", 23800}, holding{"652373", 19500}),
	lb("XJ2020S02", "2020年新疆维吾尔自治区政府专项债券（二期）", "special", "2020-03-27", "2030-03-27", 307, semiannual, nil,
		holding{"6523", 103000}, holding{"652302", 44500}, holding{"652323", 21000}, holding{"652324", 31700}, holding{"652327", 27400}, holding{"652328", 12300}, holding{"652372", 28900}, holding{"652373", 17200}),
	lb("XJ2020S11", "2020年新疆维吾尔自治区政府专项债券（十一期）", "special", "2020-11-18", "2040-11-18", 397, semiannual,
		fifths("2036-11-18", "2037-11-18", "2038-11-18", "2039-11-18", "2040-11-18"),
		holding{"6523", 109400}, holding{"652301", 100100}, holding{"652324", 31700}, holding{"652325", 45300}, holding{"652327", 39800}, holding{"652328", 27400}, holding{"652372", 48900}, holding{"652373", 20400}),
	lb("XJ2021S05", "2021年新疆维吾尔自治区政府专项债券（五期）", "special", "2021-06-08", "2036-06-08", 358, semiannual, nil,
		holding{"6523", 95200}, holding{"652301", 73500}, holding{"652302", 24000}, holding{"652323", 32500}, holding{"652324", 18700}, holding{"652325", 33700}, holding{"652327", 19400}, holding{"652328", 20600}, holding{"652371", 56500}, holding{"652373", 7900}),
	lb("XJ2021S09", "2021年新疆维吾尔自治区政府专项债券（九期）", "special", "2021-11-03", "2051-11-03", 383, semiannual,
		fifths("2047-11-03", "2048-11-03", "2049-11-03", "2050-11-03", "2051-11-03"),
		holding{"6523", 107500}, holding{"652301", 59300}, holding{"652302", 36800}, holding{"652323", 20600}, holding{"652324", 27300}, holding{"652327", 21600}, holding{"652328", 10500}, holding{"652371", 34000}, holding{"652372", 19900}),
	lb("XJ2022S03", "2022年新疆维吾尔自治区政府专项债券（三期）", "special", "2022-02-24", "2042-02-24", 330, semiannual, nil,
		holding{"6523", 151700}, holding{"652301", 95000}, holding{"652302", 33400}, holding{"652323", 23600}, holding{"652324", 28600}, holding{"652327", 27400}, holding{"652328", 16700}, holding{"652371", 61800}, holding{"652372", 17800}),
	lb("XJ2022S07", "2022年新疆维吾尔自治区政府专项债券（七期）", "special", "2022-07-13", "2032-07-13", 295, semiannual, nil,
		holding{"6523", 116100}, holding{"652301", 54600}, holding{"652302", 38700}, holding{"652323", 17000}, holding{"652324", 18200}, holding{"652325", 33800}, holding{"652327", 19900}, holding{"652328", 13200}, holding{"652371", 28800}, holding{"652372", 28700}, holding{"652373", 15300}),
}

// batch is one issue of new and refinancing bonds (发行批次) and the dates
// its funds move on.
type batch struct {
	value    string // value date (起息日) of the batch's bonds
	toRoot   string // the region on-lends to the prefecture
	rootDoc  string
	down     string // the prefecture on-lends to the counties and parks
	downDoc  string
	allocate string // units allocate the funds to their projects
}

var batches = []batch{
	{"2023-02-22", "2023-02-24", "新财债〔2023〕3号", "2023-03-01", "昌州财债〔2023〕4号", "2023-03-08"},
	{"2023-04-18", "2023-04-20", "新财债〔2023〕11号", "2023-04-25", "昌州财债〔2023〕12号", "2023-05-05"},
	{"2023-06-08", "2023-06-12", "新财债〔2023〕19号", "2023-06-14", "昌州财债〔2023〕21号", "2023-06-20"},
}

// newBond is a 2023 bond of one batch (index into batches).
type newBond struct {
	bond
	batch int
}

func nb(b int, code, name, kind string, refinancing bool, maturity string, r rate, semiannual bool, amort []share) newBond {
	return newBond{bond{code: code, name: name, kind: kind, refinancing: refinancing, value: batches[b].value, maturity: maturity, rate: r, semiannual: semiannual, amortization: amort}, b}
}

var newBonds = []newBond{
	nb(0, "XJ2023G01", "2023年新疆维吾尔自治区政府一般债券（一期）", "general", false, "2033-02-22", 288, semiannual, nil),
	nb(0, "XJ2023S01", "2023年新疆维吾尔自治区政府专项债券（一期）", "special", false, "2043-02-22", 313, semiannual,
		fifths("2039-02-22", "2040-02-22", "2041-02-22", "2042-02-22", "2043-02-22")),
	nb(0, "XJ2023R01", "2023年新疆维吾尔自治区政府再融资一般债券（一期）", "general", true, "2030-02-22", 285, annual, nil),
	nb(1, "XJ2023G02", "2023年新疆维吾尔自治区政府一般债券（二期）", "general", false, "2030-04-18", 271, annual, nil),
	nb(1, "XJ2023S02", "2023年新疆维吾尔自治区政府专项债券（二期）", "special", false, "2053-04-18", 325, semiannual, nil),
	nb(1, "XJ2023R02", "2023年新疆维吾尔自治区政府再融资专项债券（一期）", "special", true, "2033-04-18", 279, semiannual, nil),
	nb(2, "XJ2023G03", "2023年新疆维吾尔自治区政府一般债券（三期）", "general", false, "2033-06-08", 269, semiannual, nil),
	nb(2, "XJ2023S03", "2023年新疆维吾尔自治区政府专项债券（三期）", "special", false, "2038-06-08", 293, semiannual, nil),
	nb(2, "XJ2023R03", "2023年新疆维吾尔自治区政府再融资一般债券（二期）", "general", true, "2028-06-08", 245, annual, nil),
}

// refinanced pairs each old bond falling due in H1 with the refinancing
// bond whose proceeds repay its principal at every holder.
var refinanced = []struct{ maturing, refinancing string }{
	{"XJ2016G03", "XJ2023R01"},
	{"XJ2018S05", "XJ2023R02"},
	{"XJ2020G05", "XJ2023R03"},
}

// grants are the 2023 quotas the autonomous region grants the prefecture
// (新增债务限额 and 再融资债券规模).
var grants = []struct {
	date, doc, kind string
	amount          wan
}{
	{"2023-01-18", "新财预〔2023〕6号", "general", 156000},
	{"2023-01-18", "新财预〔2023〕6号", "special", 298000},
	{"2023-01-18", "新财预〔2023〕7号", "refinancing", 223000},
	{"2023-05-26", "新财预〔2023〕71号", "general", 57300},
	{"2023-05-26", "新财预〔2023〕71号", "special", 116900},
}

// The prefecture passes new-debt quota down in two tranches, and the
// refinancing scale its counties and parks need with the first.
var tranches = [2]struct{ date, doc string }{
	{"2023-02-08", "昌州财预〔2023〕9号"},
	{"2023-06-02", "昌州财预〔2023〕45号"},
}

const refinancingDoc = "昌州财预〔2023〕10号"

var countyQuotas = []struct {
	unit             string
	general, special [2]wan // by tranche
	refinancing      wan
}{
	{"652301", [2]wan{27000, 11000}, [2]wan{39500, 16500}, 34000},
	{"652302", [2]wan{13000, 5000}, [2]wan{24000, 10000}, 3500},
	{"652323", [2]wan{9500, 3000}, [2]wan{18000, 7500}, 13000},
	{"652324", [2]wan{10500, 4500}, [2]wan{18500, 5500}, 13500},
	{"652325", [2]wan{13000, 5500}, [2]wan{16000, 6500}, 4500},
	{"652327", [2]wan{7000, 3000}, [2]wan{16500, 6500}, 5500},
	{"652328", [2]wan{7000, 3000}, [2]wan{7000, 2500}, 7000},
	{"652371", [2]wan{10000, 3000}, [2]wan{29500, 10500}, 10500},
	{"652372", [2]wan{5000, 1000}, [2]wan{10000, 4000}, 5500},
	{"652373", [2]wan{2000, 500}, [2]wan{6000, 1500}, 5000},
}

type alloc struct {
	bond   string
	amount wan
}

type payment struct {
	date, bond string
	amount     wan
}

// projects are funded by new bonds of their kind held by their unit; a
// project is registered on the date of its first allocation.
var projects = []struct {
	code, unit, kind, sector, name string
	allocations                    []alloc
	spending                       []payment
}{
	{"P6523-G01", "6523", "general", "教育", "昌吉州第一中学教学综合楼建设项目", []alloc{{"XJ2023G01", 3610}}, []payment{{"2023-06-15", "XJ2023G01", 1900}}},
	{"P6523-G02", "6523", "general", "卫生健康", "昌吉州人民医院传染病区改扩建项目", []alloc{{"XJ2023G02", 4200}}, []payment{{"2023-06-21", "XJ2023G02", 1680}}},
	{"P6523-G03", "6523", "general", "卫生健康", "昌吉州中医医院门诊综合楼建设项目", []alloc{{"XJ2023G01", 4780}}, []payment{{"2023-05-12", "XJ2023G01", 1580}, {"2023-06-09", "XJ2023G01", 1300}}},
	{"P6523-G04", "6523", "general", "教育", "昌吉职业技术学院实训基地建设项目", []alloc{{"XJ2023G03", 7730}}, []payment{{"2023-06-28", "XJ2023G03", 150}}},
	{"P6523-G05", "6523", "general", "交通", "国道335线昌吉州段配套道路改造工程", []alloc{{"XJ2023G01", 3650}}, []payment{{"2023-05-12", "XJ2023G01", 1240}, {"2023-06-21", "XJ2023G01", 1020}}},
	{"P6523-G06", "6523", "general", "卫生健康", "昌吉州疾病预防控制中心实验室提升项目", []alloc{{"XJ2023G02", 6300}}, []payment{{"2023-06-09", "XJ2023G02", 2930}}},
	{"P6523-S01", "6523", "special", "市政和产业园区基础设施", "昌吉州城市供热管网改造项目", []alloc{{"XJ2023S02", 3460}, {"XJ2023S03", 2300}}, []payment{{"2023-05-26", "XJ2023S02", 1340}, {"2023-06-28", "XJ2023S03", 110}}},
	{"P6523-S02", "6523", "special", "生态环保", "昌吉州头屯河流域生态修复项目", []alloc{{"XJ2023S01", 8740}}, []payment{{"2023-04-26", "XJ2023S01", 3730}, {"2023-06-09", "XJ2023S01", 3060}}},
	{"P6523-S03", "6523", "special", "保障性安居工程", "昌吉州保障性租赁住房建设项目", []alloc{{"XJ2023S03", 5010}}, []payment{}},
	{"P6523-S04", "6523", "special", "保障性安居工程", "昌吉州老旧小区改造项目（二期）", []alloc{{"XJ2023S03", 7420}}, []payment{}},
	{"P6523-S05", "6523", "special", "农林水利", "昌吉州三屯河水库除险加固工程", []alloc{{"XJ2023S01", 4550}}, []payment{{"2023-05-12", "XJ2023S01", 1400}, {"2023-06-21", "XJ2023S01", 1140}}},
	{"P6523-S06", "6523", "special", "社会事业", "昌吉州养老服务中心建设项目", []alloc{{"XJ2023S01", 3370}}, []payment{{"2023-06-15", "XJ2023S01", 1950}}},
	{"P6523-S07", "6523", "special", "支持中小银行发展", "支持昌吉农村商业银行补充资本金项目", []alloc{{"XJ2023S03", 7350}}, []payment{{"2023-06-29", "XJ2023S03", 140}}},
	{"P6523-S08", "6523", "special", "生态环保", "昌吉州城市污水处理厂提标改造项目", []alloc{{"XJ2023S01", 6530}}, []payment{{"2023-05-12", "XJ2023S01", 2730}, {"2023-06-21", "XJ2023S01", 2230}}},
	{"P652301-G01", "652301", "general", "交通", "昌吉市延安北路道路改造工程", []alloc{{"XJ2023G02", 5300}}, []payment{{"2023-05-26", "XJ2023G02", 1140}}},
	{"P652301-G02", "652301", "general", "教育", "昌吉市第九中学建设项目", []alloc{{"XJ2023G03", 3980}}, []payment{}},
	{"P652301-G03", "652301", "general", "卫生健康", "昌吉市人民医院医技综合楼项目", []alloc{{"XJ2023G02", 6310}}, []payment{{"2023-06-09", "XJ2023G02", 2960}}},
	{"P652301-G04", "652301", "general", "农村人居环境整治", "昌吉市农村人居环境整治提升项目", []alloc{{"XJ2023G02", 3530}}, []payment{{"2023-05-26", "XJ2023G02", 1550}}},
	{"P652301-G05", "652301", "general", "交通", "昌吉市榆树沟镇农村公路提升改造工程", []alloc{{"XJ2023G02", 4720}}, []payment{{"2023-06-09", "XJ2023G02", 2130}}},
	{"P652301-G06", "652301", "general", "教育", "昌吉市第二幼儿园扩建项目", []alloc{{"XJ2023G01", 5170}}, []payment{{"2023-04-26", "XJ2023G01", 1990}, {"2023-06-21", "XJ2023G01", 1630}}},
	{"P652301-S01", "652301", "special", "市政和产业园区基础设施", "昌吉市城区供排水管网改造项目", []alloc{{"XJ2023S02", 4350}}, []payment{{"2023-06-09", "XJ2023S02", 1750}}},
	{"P652301-S02", "652301", "special", "保障性安居工程", "昌吉市城市棚户区改造项目", []alloc{{"XJ2023S01", 2440}, {"XJ2023S03", 1630}}, []payment{{"2023-04-20", "XJ2023S01", 1390}, {"2023-06-29", "XJ2023S03", 180}}},
	{"P652301-S03", "652301", "special", "农林水利", "昌吉市高标准农田建设项目", []alloc{{"XJ2023S02", 5990}}, []payment{{"2023-06-21", "XJ2023S02", 2470}}},
	{"P652301-S04", "652301", "special", "生态环保", "昌吉市生活垃圾焚烧发电配套设施项目", []alloc{{"XJ2023S03", 7040}}, []payment{}},
	{"P652301-S05", "652301", "special", "社会事业", "昌吉市全民健身中心建设项目", []alloc{{"XJ2023S02", 6270}}, []payment{{"2023-05-26", "XJ2023S02", 1490}}},
	{"P652301-S06", "652301", "special", "市政和产业园区基础设施", "昌吉市城市公共停车场建设项目", []alloc{{"XJ2023S02", 3990}}, []payment{{"2023-06-21", "XJ2023S02", 1300}}},
	{"P652301-S07", "652301", "special", "保障性安居工程", "昌吉市老旧小区改造项目", []alloc{{"XJ2023S01", 5690}}, []payment{{"2023-04-14", "XJ2023S01", 2490}, {"2023-06-21", "XJ2023S01", 2040}}},
	{"P652301-S08", "652301", "special", "市政和产业园区基础设施", "昌吉市冷链物流园基础设施项目", []alloc{{"XJ2023S03", 5440}}, []payment{{"2023-06-28", "XJ2023S03", 270}}},
	{"P652302-G01", "652302", "general", "交通", "阜康市博峰街道路改造工程", []alloc{{"XJ2023G02", 2440}, {"XJ2023G03", 1630}}, []payment{{"2023-06-21", "XJ2023G02", 880}}},
	{"P652302-G02", "652302", "general", "教育", "阜康市第三中学教学楼建设项目", []alloc{{"XJ2023G01", 1860}, {"XJ2023G03", 1240}}, []payment{{"2023-04-20", "XJ2023G01", 970}}},
	{"P652302-G03", "652302", "general", "卫生健康", "阜康市人民医院综合楼改扩建项目", []alloc{{"XJ2023G02", 3570}}, []payment{{"2023-06-09", "XJ2023G02", 1310}}},
	{"P652302-G04", "652302", "general", "农村人居环境整治", "阜康市农村人居环境整治项目", []alloc{{"XJ2023G01", 3090}}, []payment{{"2023-05-18", "XJ2023G01", 1810}}},
	{"P652302-S01", "652302", "special", "市政和产业园区基础设施", "阜康产业园供水工程", []alloc{{"XJ2023S01", 5360}}, []payment{{"2023-05-12", "XJ2023S01", 1490}, {"2023-06-21", "XJ2023S01", 1220}}},
	{"P652302-S02", "652302", "special", "生态环保", "阜康市天池景区生态保护修复项目", []alloc{{"XJ2023S03", 5490}}, []payment{}},
	{"P652302-S03", "652302", "special", "保障性安居工程", "阜康市保障性住房建设项目", []alloc{{"XJ2023S03", 4700}}, []payment{{"2023-06-29", "XJ2023S03", 470}}},
	{"P652302-S04", "652302", "special", "农林水利", "阜康市高标准农田建设项目", []alloc{{"XJ2023S02", 5990}}, []payment{{"2023-06-09", "XJ2023S02", 1780}}},
	{"P652302-S05", "652302", "special", "市政和产业园区基础设施", "阜康市城区集中供热改造项目", []alloc{{"XJ2023S02", 4440}}, []payment{{"2023-06-21", "XJ2023S02", 1100}}},
	{"P652323-G01", "652323", "general", "交通", "呼图壁县城区道路改造工程", []alloc{{"XJ2023G01", 1640}}, []payment{{"2023-06-15", "XJ2023G01", 1250}}},
	{"P652323-G02", "652323", "general", "教育", "呼图壁县第一中学改扩建项目", []alloc{{"XJ2023G02", 3410}}, []payment{{"2023-05-26", "XJ2023G02", 1050}}},
	{"P652323-G03", "652323", "general", "卫生健康", "呼图壁县人民医院门诊楼建设项目", []alloc{{"XJ2023G01", 2480}}, []payment{{"2023-05-18", "XJ2023G01", 1850}}},
	{"P652323-G04", "652323", "general", "农村人居环境整治", "呼图壁县农村人居环境整治项目", []alloc{{"XJ2023G01", 1820}}, []payment{{"2023-04-20", "XJ2023G01", 1340}}},
	{"P652323-S01", "652323", "special", "农林水利", "呼图壁县高标准农田建设项目", []alloc{{"XJ2023S03", 2560}}, []payment{}},
	{"P652323-S02", "652323", "special", "生态环保", "呼图壁县城镇污水处理厂提标改造项目", []alloc{{"XJ2023S01", 2830}, {"XJ2023S03", 1880}}, []payment{{"2023-04-20", "XJ2023S01", 1480}}},
	{"P652323-S03", "652323", "special", "保障性安居工程", "呼图壁县老旧小区改造项目", []alloc{{"XJ2023S02", 3040}}, []payment{{"2023-06-09", "XJ2023S02", 780}}},
	{"P652323-S04", "652323", "special", "市政和产业园区基础设施", "呼图壁县工业园区基础设施项目", []alloc{{"XJ2023S01", 3900}}, []payment{{"2023-04-14", "XJ2023S01", 1250}, {"2023-06-09", "XJ2023S01", 1020}}},
	{"P652323-S05", "652323", "special", "农林水利", "呼图壁县大海子水库配套工程", []alloc{{"XJ2023S02", 5230}}, []payment{{"2023-06-21", "XJ2023S02", 2130}}},
	{"P652324-G01", "652324", "general", "交通", "玛纳斯县乡村道路提升工程", []alloc{{"XJ2023G03", 1900}}, []payment{{"2023-06-29", "XJ2023G03", 170}}},
	{"P652324-G02", "652324", "general", "教育", "玛纳斯县第二中学建设项目", []alloc{{"XJ2023G03", 4100}}, []payment{{"2023-06-29", "XJ2023G03", 70}}},
	{"P652324-G03", "652324", "general", "卫生健康", "玛纳斯县中医医院改扩建项目", []alloc{{"XJ2023G01", 3150}}, []payment{{"2023-05-12", "XJ2023G01", 1280}, {"2023-06-09", "XJ2023G01", 1040}}},
	{"P652324-G04", "652324", "general", "农村人居环境整治", "玛纳斯县农村人居环境整治项目", []alloc{{"XJ2023G02", 2080}}, []payment{{"2023-06-09", "XJ2023G02", 610}}},
	{"P652324-S01", "652324", "special", "农林水利", "玛纳斯县塔西河灌区节水改造项目", []alloc{{"XJ2023S02", 4970}}, []payment{{"2023-06-21", "XJ2023S02", 2030}}},
	{"P652324-S02", "652324", "special", "市政和产业园区基础设施", "玛纳斯县城区供热管网改造项目", []alloc{{"XJ2023S01", 2370}}, []payment{{"2023-05-18", "XJ2023S01", 1680}}},
	{"P652324-S03", "652324", "special", "保障性安居工程", "玛纳斯县保障性租赁住房项目", []alloc{{"XJ2023S01", 2310}}, []payment{{"2023-04-20", "XJ2023S01", 1780}}},
	{"P652324-S04", "652324", "special", "生态环保", "玛纳斯国家湿地公园生态修复项目", []alloc{{"XJ2023S01", 4780}}, []payment{{"2023-05-12", "XJ2023S01", 1770}, {"2023-06-21", "XJ2023S01", 1440}}},
	{"P652324-S05", "652324", "special", "市政和产业园区基础设施", "玛纳斯县工业园区道路管网项目", []alloc{{"XJ2023S01", 3700}}, []payment{{"2023-05-12", "XJ2023S01", 1260}, {"2023-06-21", "XJ2023S01", 1030}}},
	{"P652325-G01", "652325", "general", "交通", "奇台县城区道路改造工程", []alloc{{"XJ2023G02", 4460}}, []payment{{"2023-06-09", "XJ2023G02", 1910}}},
	{"P652325-G02", "652325", "general", "教育", "奇台县第四中学建设项目", []alloc{{"XJ2023G02", 3130}}, []payment{{"2023-06-21", "XJ2023G02", 1160}}},
	{"P652325-G03", "652325", "general", "卫生健康", "奇台县人民医院住院楼建设项目", []alloc{{"XJ2023G01", 1580}, {"XJ2023G03", 1060}}, []payment{{"2023-06-15", "XJ2023G01", 1090}, {"2023-06-29", "XJ2023G03", 10}}},
	{"P652325-G04", "652325", "general", "农村人居环境整治", "奇台县农村人居环境整治项目", []alloc{{"XJ2023G02", 2390}, {"XJ2023G03", 1590}}, []payment{{"2023-05-26", "XJ2023G02", 670}, {"2023-06-29", "XJ2023G03", 190}}},
	{"P652325-S01", "652325", "special", "农林水利", "奇台县高标准农田建设项目", []alloc{{"XJ2023S02", 3380}}, []payment{{"2023-06-09", "XJ2023S02", 1480}}},
	{"P652325-S02", "652325", "special", "社会事业", "奇台县江布拉克景区公共服务设施项目", []alloc{{"XJ2023S03", 3170}}, []payment{}},
	{"P652325-S03", "652325", "special", "保障性安居工程", "奇台县老旧小区改造项目", []alloc{{"XJ2023S02", 4450}}, []payment{{"2023-05-26", "XJ2023S02", 2080}}},
	{"P652325-S04", "652325", "special", "生态环保", "奇台县污水处理及再生水利用项目", []alloc{{"XJ2023S02", 2130}}, []payment{{"2023-05-26", "XJ2023S02", 480}}},
	{"P652325-S05", "652325", "special", "市政和产业园区基础设施", "奇台县工业园区供水工程", []alloc{{"XJ2023S02", 4020}}, []payment{{"2023-05-26", "XJ2023S02", 1690}}},
	{"P652327-G01", "652327", "general", "交通", "吉木萨尔县城区道路改造工程", []alloc{{"XJ2023G03", 1730}}, []payment{}},
	{"P652327-G02", "652327", "general", "教育", "吉木萨尔县第一中学教学楼项目", []alloc{{"XJ2023G02", 970}, {"XJ2023G03", 650}}, []payment{{"2023-06-21", "XJ2023G02", 330}}},
	{"P652327-G03", "652327", "general", "农村人居环境整治", "吉木萨尔县农村人居环境整治项目", []alloc{{"XJ2023G02", 4280}}, []payment{{"2023-06-09", "XJ2023G02", 1970}}},
	{"P652327-S01", "652327", "special", "社会事业", "北庭故城国家考古遗址公园配套设施项目", []alloc{{"XJ2023S01", 4960}}, []payment{{"2023-04-26", "XJ2023S01", 1560}, {"2023-06-09", "XJ2023S01", 1280}}},
	{"P652327-S02", "652327", "special", "农林水利", "吉木萨尔县高标准农田建设项目", []alloc{{"XJ2023S02", 2530}, {"XJ2023S03", 1680}}, []payment{{"2023-06-21", "XJ2023S02", 870}}},
	{"P652327-S03", "652327", "special", "保障性安居工程", "吉木萨尔县保障性住房建设项目", []alloc{{"XJ2023S02", 2210}, {"XJ2023S03", 1470}}, []payment{{"2023-06-21", "XJ2023S02", 780}, {"2023-06-28", "XJ2023S03", 90}}},
	{"P652327-S04", "652327", "special", "市政和产业园区基础设施", "吉木萨尔县工业园区基础设施项目", []alloc{{"XJ2023S01", 4680}}, []payment{{"2023-05-12", "XJ2023S01", 1950}, {"2023-06-21", "XJ2023S01", 1600}}},
	{"P652328-G01", "652328", "general", "交通", "木垒县农村公路改造工程", []alloc{{"XJ2023G03", 2630}}, []payment{{"2023-06-29", "XJ2023G03", 170}}},
	{"P652328-G02", "652328", "general", "教育", "木垒县寄宿制学校建设项目", []alloc{{"XJ2023G01", 3410}}, []payment{{"2023-05-12", "XJ2023G01", 1440}, {"2023-06-09", "XJ2023G01", 1170}}},
	{"P652328-G03", "652328", "general", "卫生健康", "木垒县人民医院改扩建项目", []alloc{{"XJ2023G03", 1310}}, []payment{{"2023-06-29", "XJ2023G03", 10}}},
	{"P652328-S01", "652328", "special", "农林水利", "木垒县高标准农田建设项目", []alloc{{"XJ2023S02", 2170}}, []payment{{"2023-06-09", "XJ2023S02", 580}}},
	{"P652328-S02", "652328", "special", "市政和产业园区基础设施", "木垒县城区供排水管网改造项目", []alloc{{"XJ2023S03", 3310}}, []payment{}},
	{"P652328-S03", "652328", "special", "保障性安居工程", "木垒县老旧小区改造项目", []alloc{{"XJ2023S02", 1720}}, []payment{{"2023-05-26", "XJ2023S02", 450}}},
	{"P652371-G01", "652371", "general", "交通", "准东五彩湾城区道路工程", []alloc{{"XJ2023G01", 6090}}, []payment{{"2023-05-12", "XJ2023G01", 1780}, {"2023-06-21", "XJ2023G01", 1450}}},
	{"P652371-G02", "652371", "general", "教育", "准东五彩湾学校建设项目", []alloc{{"XJ2023G02", 3910}}, []payment{{"2023-06-09", "XJ2023G02", 1400}}},
	{"P652371-S01", "652371", "special", "市政和产业园区基础设施", "准东五彩湾产业园供水工程", []alloc{{"XJ2023S01", 7260}}, []payment{{"2023-05-12", "XJ2023S01", 3160}, {"2023-06-21", "XJ2023S01", 2580}}},
	{"P652371-S02", "652371", "special", "市政和产业园区基础设施", "准东芨芨湖产业园道路管网项目", []alloc{{"XJ2023S02", 7160}}, []payment{{"2023-05-26", "XJ2023S02", 3220}}},
	{"P652371-S03", "652371", "special", "生态环保", "准东固体废物集中处置中心项目", []alloc{{"XJ2023S02", 7800}}, []payment{{"2023-05-26", "XJ2023S02", 1930}}},
	{"P652371-S04", "652371", "special", "保障性安居工程", "准东职工保障性住房项目", []alloc{{"XJ2023S01", 5050}}, []payment{{"2023-04-14", "XJ2023S01", 1770}, {"2023-06-21", "XJ2023S01", 1440}}},
	{"P652371-S05", "652371", "special", "生态环保", "准东五彩湾污水处理厂扩建项目", []alloc{{"XJ2023S02", 1980}, {"XJ2023S03", 1320}}, []payment{{"2023-06-09", "XJ2023S02", 710}}},
	{"P652372-G01", "652372", "general", "交通", "昌吉高新区北区道路改造工程", []alloc{{"XJ2023G02", 4520}}, []payment{{"2023-06-09", "XJ2023G02", 1650}}},
	{"P652372-S01", "652372", "special", "市政和产业园区基础设施", "昌吉高新区标准化厂房配套基础设施项目", []alloc{{"XJ2023S03", 2390}}, []payment{}},
	{"P652372-S02", "652372", "special", "市政和产业园区基础设施", "昌吉高新区供热管网项目", []alloc{{"XJ2023S01", 3630}, {"XJ2023S03", 2420}}, []payment{{"2023-06-15", "XJ2023S01", 1830}}},
	{"P652372-S03", "652372", "special", "保障性安居工程", "昌吉高新区人才公寓建设项目", []alloc{{"XJ2023S02", 2200}}, []payment{{"2023-06-09", "XJ2023S02", 960}}},
	{"P652373-G01", "652373", "general", "农村人居环境整治", "昌吉国家农业园区农村人居环境整治项目", []alloc{{"XJ2023G01", 1600}}, []payment{{"2023-05-18", "XJ2023G01", 1020}}},
	{"P652373-S01", "652373", "special", "农林水利", "昌吉国家农业园区高效节水灌溉项目", []alloc{{"XJ2023S02", 2280}}, []payment{{"2023-05-26", "XJ2023S02", 710}}},
	{"P652373-S02", "652373", "special", "市政和产业园区基础设施", "昌吉国家农业园区冷链物流基础设施项目", []alloc{{"XJ2023S01", 3410}}, []payment{{"2023-05-18", "XJ2023S01", 1930}}},
}

// budgets are the units' 2023 budgets, 万元: debt service (还本付息) and
// hidden-debt resolution.
var budgets = []struct {
	unit                string
	debtService, hidden wan
}{
	{"6523", 161720, 0},
	{"652301", 89510, 69200},
	{"652302", 45140, 33800},
	{"652323", 31730, 20500},
	{"652324", 39090, 26100},
	{"652325", 31440, 22700},
	{"652327", 33980, 24400},
	{"652328", 20530, 10200},
	{"652371", 55080, 39100},
	{"652372", 32140, 18600},
	{"652373", 15340, 0},
}

// resolveDays are the dates each month's hidden-debt resolution is booked.
var resolveDays = [6]string{"2023-01-19", "2023-02-24", "2023-03-29", "2023-04-26", "2023-05-30", "2023-06-28"}

// hiddenDebt is the recognised hidden debt (隐性债务) of the units that have
// any, their resolution plans for January to June, and the methods they
// resolve it by.
var hiddenDebt = []struct {
	unit    string
	stock   wan
	plan    [6]wan
	methods []string
}{
	{"652301", 318000, [6]wan{2330, 2910, 4950, 5530, 6110, 7270}, []string{"fiscal_funds", "asset_disposal", "convert_to_commercial"}},
	{"652302", 146000, [6]wan{1140, 1420, 2410, 2700, 2980, 3550}, []string{"fiscal_funds", "project_income"}},
	{"652323", 89000, [6]wan{690, 860, 1460, 1630, 1810, 2150}, []string{"fiscal_funds", "asset_disposal"}},
	{"652324", 112000, [6]wan{880, 1100, 1870, 2090, 2310, 2750}, []string{"fiscal_funds", "refinance_or_extend"}},
	{"652325", 97000, [6]wan{760, 950, 1620, 1800, 2000, 2370}, []string{"fiscal_funds", "project_income"}},
	{"652327", 104000, [6]wan{820, 1020, 1730, 1940, 2140, 2550}, []string{"fiscal_funds", "restructure"}},
	{"652328", 43000, [6]wan{340, 430, 730, 820, 900, 1080}, []string{"fiscal_funds"}},
	{"652371", 165000, [6]wan{1310, 1640, 2790, 3120, 3440, 4100}, []string{"project_income", "fiscal_funds", "convert_to_commercial"}},
	{"652372", 78000, [6]wan{620, 780, 1330, 1480, 1640, 1950}, []string{"asset_disposal", "fiscal_funds"}},
}

// Phases order the lines of one business date: what a line needs comes
// before it.
const (
	phaseBudget = iota
	phasePlan
	phaseGrant
	phasePassDown
	phaseBond
	phaseToRoot
	phaseDown
	phaseProject
	phaseAllocate
	phaseRefinance
	phaseCoupon
	phaseSpend
	phaseResolve
)

// event is one line: its fields in output order.
type event struct {
	date   string
	phase  int
	fields []any // key, value, key, value, …
}

func (e event) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i := 0; i < len(e.fields); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(encode(e.fields[i]))
		b.WriteByte(':')
		b.Write(encode(e.fields[i+1]))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// encode writes a value as JSON, amounts and rates as strings, without
// HTML escaping.
func encode(v any) []byte {
	switch x := v.(type) {
	case fen, wan, rate:
		if w, ok := x.(wan); ok {
			x = w.fen()
		}
		v = fmt.Sprint(x)
	case []share:
		var parts []string
		for _, s := range x {
			parts = append(parts, fmt.Sprintf(`{"date":%s,"percent":"%d"}`, encode(s.date), s.percent))
		}
		return []byte("[" + strings.Join(parts, ",") + "]")
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return bytes.TrimRight(b.Bytes(), "\n")
}

type scenario struct {
	migration, flows []event
	got              map[string]fen // the report's amounts, as the tables imply them
	projects         map[string]int // projects funded, by kind
}

func (s *scenario) migrate(id, typ string, fields ...any) {
	s.migration = append(s.migration, event{migration, 0, append([]any{"id", id, "type", typ, "date", migration}, fields...)})
}

func (s *scenario) flow(date string, phase int, id, typ string, fields ...any) {
	if date < firstDay || date > lastDay {
		panic(fmt.Sprintf("%s dated %s, outside the first half of 2023", id, date))
	}
	s.flows = append(s.flows, event{date, phase, append([]any{"id", id, "type", typ, "date", date}, fields...)})
}

// register writes a bond's registration line; its date is the value date.
func register(b bond) event {
	purpose := "new"
	if b.refinancing {
		purpose = "refinancing"
	}
	interest := "annual"
	if b.semiannual {
		interest = "semiannual"
	}
	f := []any{"id", "b-" + b.code, "type", "bond", "date", b.value, "code", b.code, "name", b.name, "kind", b.kind,
		"purpose", purpose, "maturity", b.maturity, "rate", b.rate, "interest", interest}
	if b.amortization != nil {
		f = append(f, "amortization", b.amortization)
	}
	return event{b.value, phaseBond, f}
}

// addMonths is the date n months after d, the day clamped to the month's end.
func addMonths(d string, n int) string {
	var y, m, day int
	if _, err := fmt.Sscanf(d, "%d-%d-%d", &y, &m, &day); err != nil {
		panic(err)
	}
	m += n
	y, m = y+(m-1)/12, (m-1)%12+1
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m]
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, min(day, days))
}

// coupons lists a bond's coupon dates from first to last: the value date
// plus k×12 (or k×6) months before maturity, and the maturity itself.
func (b bond) coupons(first, last string) []string {
	step := 12
	if b.semiannual {
		step = 6
	}
	var out []string
	for k := 1; ; k++ {
		d := addMonths(b.value, k*step)
		if d >= b.maturity {
			d = b.maturity
		}
		if d > last {
			return out
		}
		if d >= first {
			out = append(out, d)
		}
		if d == b.maturity {
			return out
		}
	}
}

// coupon is one coupon on principal p: p × rate/100 (× ½ if semiannual),
// rounded half-up to the fen.
func (b bond) coupon(p fen) fen {
	den := fen(10000)
	if b.semiannual {
		den *= 2
	}
	return (p*fen(b.rate) + den/2) / den
}

func build() *scenario {
	s := &scenario{got: map[string]fen{}, projects: map[string]int{}}
	isUnit := map[string]bool{}
	for _, u := range units {
		isUnit[u.code] = true
		if u.parent == "" {
			s.migrate("u-"+u.code, "unit", "code", u.code, "name", u.name)
		} else {
			s.migrate("u-"+u.code, "unit", "code", u.code, "name", u.name, "parent", u.parent)
		}
	}
	for _, l := range limits {
		s.migrate("lim-"+l.unit+"-general", "limit", "unit", l.unit, "kind", "general", "amount", l.general, "memo", "2022年末债务限额")
		s.migrate("lim-"+l.unit+"-special", "limit", "unit", l.unit, "kind", "special", "amount", l.special, "memo", "2022年末债务限额")
	}
	for _, b := range legacy {
		s.migration = append(s.migration, register(b.bond))
	}
	for _, b := range legacy {
		for _, h := range b.holders {
			s.migrate("op-"+b.code+"-"+h.unit, "opening", "bond", b.code, "unit", h.unit, "principal", h.principal, "memo", "2022年末债券余额")
			s.got["balance.end"] += h.principal.fen()
		}
	}
	for _, h := range hiddenDebt {
		s.migrate("hs-"+h.unit, "hidden_stock", "unit", h.unit, "amount", h.stock, "memo", "截至2022年末认定的隐性债务")
	}

	// Budgets and hidden-debt plans, adopted with the 2023 budget.
	for _, b := range budgets {
		s.flow(budgetDay, phaseBudget, "bud-2023-debt_service-"+b.unit, "budget", "unit", b.unit, "year", 2023, "item", "debt_service", "amount", b.debtService)
		s.got["debt_service.budget"] += b.debtService.fen()
		if b.hidden > 0 {
			s.flow(budgetDay, phaseBudget, "bud-2023-hidden_resolution-"+b.unit, "budget", "unit", b.unit, "year", 2023, "item", "hidden_resolution", "amount", b.hidden)
			s.got["hidden.budget"] += b.hidden.fen()
		}
	}
	for _, h := range hiddenDebt {
		single := 0
		for m, p := range h.plan {
			month := m + 1
			s.flow(budgetDay, phasePlan, fmt.Sprintf("hp-%s-2023-%02d", h.unit, month), "hidden_plan", "unit", h.unit, "year", 2023, "month", month, "amount", p)
			s.got["hidden.planned"] += p.fen()
			resolve := func(method string, amount wan) {
				s.flow(resolveDays[m], phaseResolve, fmt.Sprintf("hr-%s-2023-%02d-%s", h.unit, month, method), "hidden_resolve",
					"unit", h.unit, "amount", amount, "method", method)
				s.got["hidden.resolved"] += amount.fen()
			}
			if month%3 == 0 && len(h.methods) > 1 {
				part := p * 3 / 10
				resolve(h.methods[0], p-part)
				resolve(h.methods[1], part)
			} else {
				resolve(h.methods[single%len(h.methods)], p)
				single++
			}
		}
	}

	// Quotas: granted to the prefecture, passed down to counties and parks.
	tranche := map[string]int{}
	for _, g := range grants {
		tranche[g.kind]++
		s.flow(g.date, phaseGrant, fmt.Sprintf("q-2023-%s-%d", g.kind, tranche[g.kind]), "quota", "doc", g.doc,
			"year", 2023, "kind", g.kind, "to", root, "amount", g.amount)
		s.got["quota."+g.kind] += g.amount.fen()
	}
	for _, q := range countyQuotas {
		for t, tr := range tranches {
			for _, k := range []struct {
				kind   string
				amount wan
			}{{"general", q.general[t]}, {"special", q.special[t]}} {
				if k.amount > 0 {
					s.flow(tr.date, phasePassDown, fmt.Sprintf("q-2023-%s-%d-%s", k.kind, t+1, q.unit), "quota", "doc", tr.doc,
						"year", 2023, "kind", k.kind, "from", root, "to", q.unit, "amount", k.amount)
				}
			}
		}
		s.flow(tranches[0].date, phasePassDown, "q-2023-refinancing-1-"+q.unit, "quota", "doc", refinancingDoc,
			"year", 2023, "kind", "refinancing", "from", root, "to", q.unit, "amount", q.refinancing)
	}

	// What each unit receives of each new bond: what its projects are
	// allocated; of each refinancing bond: what it owes on the bond falling
	// due.
	newBond := map[string]newBond{}
	for _, b := range newBonds {
		newBond[b.code] = b
		s.flows = append(s.flows, register(b.bond))
	}
	receives := map[string]map[string]wan{} // bond → unit → principal
	receive := func(bond, unit string, amount wan) {
		if receives[bond] == nil {
			receives[bond] = map[string]wan{}
		}
		receives[bond][unit] += amount
	}
	for _, p := range projects {
		if !isUnit[p.unit] {
			panic("project " + p.code + " of unknown unit " + p.unit)
		}
		allocated := map[string]wan{}
		for i, a := range p.allocations {
			b, ok := newBond[a.bond]
			if !ok || b.refinancing || b.kind != p.kind {
				panic("project " + p.code + " is allocated " + a.bond + ", not a new " + p.kind + " bond of 2023")
			}
			date := batches[b.batch].allocate
			if i == 0 {
				s.flow(date, phaseProject, "p-"+p.code, "project", "code", p.code, "name", p.name, "unit", p.unit, "sector", p.sector, "kind", p.kind)
				s.projects[p.kind]++
			}
			s.flow(date, phaseAllocate, "al-"+p.code+"-"+a.bond, "allocate", "bond", a.bond, "project", p.code, "amount", a.amount)
			s.got["bond_funds.allocated"] += a.amount.fen()
			allocated[a.bond] += a.amount
			receive(a.bond, p.unit, a.amount)
		}
		for _, sp := range p.spending {
			allocated[sp.bond] -= sp.amount
			if allocated[sp.bond] < 0 || sp.date <= batches[newBond[sp.bond].batch].allocate {
				panic("project " + p.code + " spends " + sp.bond + " beyond or before its allocation")
			}
			s.flow(sp.date, phaseSpend, "sp-"+p.code+"-"+sp.bond+"-"+sp.date, "spend", "project", p.code, "bond", sp.bond, "amount", sp.amount)
			s.got["bond_funds.spent"] += sp.amount.fen()
		}
	}
	legacyBond := map[string]legacyBond{}
	for _, b := range legacy {
		legacyBond[b.code] = b
	}
	for _, r := range refinanced {
		old, ref := legacyBond[r.maturing], newBond[r.refinancing]
		if !ref.refinancing || ref.kind != old.kind || batches[ref.batch].down > old.maturity {
			panic(r.refinancing + " cannot refinance " + r.maturing)
		}
		for _, h := range old.holders {
			receive(ref.code, h.unit, h.principal)
			s.flow(old.maturity, phaseRefinance, "rp-"+old.code+"-"+h.unit+"-principal", "repay", "bond", old.code, "unit", h.unit,
				"principal", h.principal, "interest", fen(0), "source", "refinancing", "refinancing_bond", ref.code)
			s.got["repaid.total"] += h.principal.fen()
		}
	}

	// On-lending: the region to the prefecture, the prefecture down.
	for _, b := range newBonds {
		bt := batches[b.batch]
		var total wan
		for _, u := range units {
			total += receives[b.code][u.code]
		}
		s.flow(bt.toRoot, phaseToRoot, "ol-"+b.code+"-"+root, "onlend", "doc", bt.rootDoc, "bond", b.code, "to", root, "amount", total)
		switch {
		case b.refinancing:
			s.got["received.refinancing"] += total.fen()
		default:
			s.got["received.new_"+b.kind] += total.fen()
		}
		s.got["balance.end"] += total.fen()
		for _, u := range units {
			if a := receives[b.code][u.code]; u.code != root && a > 0 {
				s.flow(bt.down, phaseDown, "ol-"+b.code+"-"+u.code, "onlend", "doc", bt.downDoc, "bond", b.code, "from", root, "to", u.code, "amount", a)
			}
		}
	}

	// Interest on the bonds outstanding at the end of 2022, on every coupon
	// date of the half-year, the final coupons of the bonds falling due
	// included. (The 2023 bonds pay their first coupons after June.)
	for _, b := range legacy {
		for _, d := range b.coupons(firstDay, lastDay) {
			for _, h := range b.holders {
				c := b.coupon(h.principal.fen())
				s.flow(d, phaseCoupon, "rp-"+b.code+"-"+h.unit+"-"+d, "repay", "bond", b.code, "unit", h.unit,
					"principal", fen(0), "interest", c, "source", "budget")
				s.got["repaid.total"] += c
			}
		}
		if b.maturity <= lastDay {
			for _, h := range b.holders {
				s.got["balance.end"] -= h.principal.fen()
			}
		}
	}
	for _, b := range newBonds {
		if len(b.coupons(firstDay, lastDay)) > 0 {
			panic(b.code + " pays a coupon in the half-year; the scenario does not book it")
		}
	}

	sort.SliceStable(s.flows, func(i, j int) bool {
		a, b := s.flows[i], s.flows[j]
		if a.date != b.date {
			return a.date < b.date
		}
		return a.phase < b.phase
	})
	return s
}

func main() {
	s := build()
	bad := false
	for k, w := range want {
		if g := s.got[k]; g != w {
			fmt.Fprintf(os.Stderr, "%s: the tables give %s, the report says %s\n", k, g.yi(), w.yi())
			bad = true
		}
	}
	for k, w := range wantProjects {
		if g := s.projects[k]; g != w {
			fmt.Fprintf(os.Stderr, "projects.%s: the tables give %d, the report says %d\n", k, g, w)
			bad = true
		}
	}
	if bad {
		os.Exit(1)
	}
	out := json.NewEncoder(os.Stdout)
	out.SetEscapeHTML(false)
	for _, e := range append(s.migration, s.flows...) {
		if err := out.Encode(e); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
