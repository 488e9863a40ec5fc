package debt

import (
	"bufio"
	"fmt"
	"io"
	"math/rand"
)

// Synthesize writes a valid ledger of n events as JSONL: a national-scale
// tree (a root, 30 prefectures of 99 counties each: 3,001 units), yearly
// quotas passed down, a bond a month on-lent to every county, projects,
// allocations, spending, interest, refinancing applied to older bonds,
// hidden debt, budgets, reversals, reconciliations and year-end closes.
// Every prefix of the output is a valid ledger too, so any n works. The
// same seed gives the same bytes.
func Synthesize(w io.Writer, n int, seed int64) error {
	g := &synth{w: bufio.NewWriterSize(w, 1<<20), left: n, rng: rand.New(rand.NewSource(seed))}
	g.run()
	if g.err != nil {
		return g.err
	}
	return g.w.Flush()
}

const (
	synthPrefectures = 30
	synthCounties    = 99
)

type synth struct {
	w    *bufio.Writer
	left int
	err  error
	rng  *rand.Rand
	seq  int

	counties []string
	parent   map[string]string
	// held: per county and kind, new bonds with their outstanding fen.
	held     map[string][]synthHolding
	projects map[string]string // county|kind → project code
	spends   []string          // ids of this month's spending, for a reversal
}

type synthHolding struct {
	bond string
	fen  int64
}

func (g *synth) emit(format string, args ...any) bool {
	if g.left <= 0 || g.err != nil {
		return false
	}
	g.seq++
	line := fmt.Sprintf(format, args...)
	if _, err := g.w.WriteString(line + "\n"); err != nil {
		g.err = err
	}
	g.left--
	return g.left > 0
}

func yuan(fen int64) string { return fmt.Sprintf("%d.%02d", fen/100, fen%100) }

func (g *synth) run() {
	g.parent = map[string]string{}
	g.held = map[string][]synthHolding{}
	g.projects = map[string]string{}
	const start = "2015-01-01"
	g.emit(`{"id":"u-00","type":"unit","date":"%s","code":"00","name":"全国"}`, start)
	var prefectures []string
	for p := 1; p <= synthPrefectures; p++ {
		pc := fmt.Sprintf("P%02d", p)
		prefectures = append(prefectures, pc)
		g.parent[pc] = "00"
		g.emit(`{"id":"u-%s","type":"unit","date":"%s","code":"%s","name":"第%d市","parent":"00"}`, pc, start, pc, p)
		for c := 1; c <= synthCounties; c++ {
			cc := fmt.Sprintf("%sC%03d", pc, c)
			g.counties = append(g.counties, cc)
			g.parent[cc] = pc
			g.emit(`{"id":"u-%s","type":"unit","date":"%s","code":"%s","name":"第%d市第%d县","parent":"%s"}`, cc, start, cc, p, c, pc)
		}
	}
	// Upper levels hold bonds for the day between on-lending in and
	// passing down, so they get room in their opening limits.
	for _, u := range append([]string{"00"}, prefectures...) {
		for _, k := range []string{"general", "special"} {
			g.emit(`{"id":"lim-%s-%s","type":"limit","date":"%s","unit":"%s","kind":"%s","amount":"1000000亿"}`, u, k, start, u, k)
		}
	}
	for _, c := range g.counties {
		g.emit(`{"id":"lim-%s-general","type":"limit","date":"%s","unit":"%s","kind":"general","amount":"1亿"}`, c, start, c)
		g.emit(`{"id":"h-%s","type":"hidden_stock","date":"%s","unit":"%s","amount":"%d万"}`, c, start, c, 5000+g.rng.Intn(5000))
	}
	for year := 2015; g.left > 0; year++ {
		g.year(year, prefectures)
	}
}

// perCountyQuota is a county's yearly quota of each kind: above what the
// twelve monthly bonds can on-lend to it (at most 2,000万 each).
const perCountyQuota = int64(12 * 2000 * 10000 * 100)

func (g *synth) year(y int, prefectures []string) {
	day := fmt.Sprintf("%d-01-02", y)
	kinds := []string{"general", "special", "refinancing"}
	for _, k := range kinds {
		g.emit(`{"id":"q-%d-%s","type":"quota","date":"%s","doc":"财预〔%d〕1号","year":%d,"kind":"%s","to":"00","amount":"%s"}`,
			y, k, day, y, y, k, yuan(perCountyQuota*synthCounties*synthPrefectures))
		for _, p := range prefectures {
			g.emit(`{"id":"q-%d-%s-%s","type":"quota","date":"%s","year":%d,"kind":"%s","from":"00","to":"%s","amount":"%s"}`,
				y, k, p, day, y, k, p, yuan(perCountyQuota*synthCounties))
		}
		for _, c := range g.counties {
			g.emit(`{"id":"q-%d-%s-%s","type":"quota","date":"%s","year":%d,"kind":"%s","from":"%s","to":"%s","amount":"%s"}`,
				y, k, c, day, y, k, g.parent[c], c, yuan(perCountyQuota))
		}
	}
	for _, c := range g.counties {
		g.emit(`{"id":"bud-%d-%s-ds","type":"budget","date":"%s","unit":"%s","year":%d,"item":"debt_service","amount":"%d万"}`, y, c, day, c, y, 1000+g.rng.Intn(1000))
		g.emit(`{"id":"bud-%d-%s-hr","type":"budget","date":"%s","unit":"%s","year":%d,"item":"hidden_resolution","amount":"%d万"}`, y, c, day, c, y, 100+g.rng.Intn(100))
	}
	for m := 1; m <= 12 && g.left > 0; m++ {
		g.month(y, m, prefectures)
	}
	g.emit(`{"id":"close-%d","type":"close","date":"%d-01-01","period":"%d-12"}`, y, y+1, y)
}

var methods = []string{"fiscal_funds", "asset_disposal", "project_income", "convert_to_commercial", "refinance_or_extend", "restructure"}

func (g *synth) month(y, m int, prefectures []string) {
	date := fmt.Sprintf("%d-%02d-10", y, m)
	later := fmt.Sprintf("%d-%02d-20", y, m)
	code := fmt.Sprintf("B%d%02d", y, m)
	kind, purpose := "general", "new"
	switch m % 3 {
	case 1:
		kind = "special"
	case 2:
		purpose = "refinancing"
		if m%2 == 0 {
			kind = "special"
		}
	}
	interest := "annual"
	if m%2 == 0 {
		interest = "semiannual"
	}
	amort := ""
	if kind == "special" && purpose == "new" {
		amort = fmt.Sprintf(`,"amortization":[{"date":"%d-%02d-10","percent":"50"},{"date":"%d-%02d-10","percent":"50"}]`, y+8, m, y+10, m)
	}
	g.emit(`{"id":"b-%s","type":"bond","date":"%s","code":"%s","name":"%d年%s债券%d期","kind":"%s","purpose":"%s","maturity":"%d-%02d-10","rate":"%d.%02d","interest":"%s"%s}`,
		code, date, code, y, kind, m, kind, purpose, y+10, m, 2+g.rng.Intn(2), g.rng.Intn(100), interest, amort)
	amounts := make([]int64, len(g.counties))
	var total int64
	for i := range g.counties {
		amounts[i] = int64(500+g.rng.Intn(1501)) * 10000 * 100
		total += amounts[i]
	}
	g.emit(`{"id":"ol-%s-00","type":"onlend","date":"%s","doc":"财库〔%d〕%d号","bond":"%s","to":"00","amount":"%s"}`, code, date, y, m, code, yuan(total))
	for pi, p := range prefectures {
		var sum int64
		for _, a := range amounts[pi*synthCounties : (pi+1)*synthCounties] {
			sum += a
		}
		g.emit(`{"id":"ol-%s-%s","type":"onlend","date":"%s","bond":"%s","from":"00","to":"%s","amount":"%s"}`, code, p, date, code, p, yuan(sum))
	}
	for i, c := range g.counties {
		g.emit(`{"id":"ol-%s-%s","type":"onlend","date":"%s","bond":"%s","from":"%s","to":"%s","amount":"%s"}`, code, c, date, code, g.parent[c], c, yuan(amounts[i]))
	}
	g.spends = g.spends[:0]
	for i, c := range g.counties {
		if g.left <= 0 {
			return
		}
		if purpose == "new" {
			g.useFunds(c, kind, code, later, amounts[i])
		} else {
			g.refinance(c, kind, code, later, amounts[i])
		}
		if held := g.held[c+"|general"]; len(held) > 0 && g.rng.Intn(4) == 0 {
			h := held[g.rng.Intn(len(held))]
			g.emit(`{"id":"r-%s-%s-%d","type":"repay","date":"%s","bond":"%s","unit":"%s","principal":"0","interest":"%d万","source":"budget"}`, h.bond, c, g.seq, later, h.bond, c, 1+g.rng.Intn(50))
		}
		if m%3 == 0 {
			g.emit(`{"id":"hp-%s-%d-%d","type":"hidden_plan","date":"%s","unit":"%s","year":%d,"month":%d,"amount":"20万"}`, c, y, m, date, c, y, m)
			g.emit(`{"id":"hr-%s-%d-%d","type":"hidden_resolve","date":"%s","unit":"%s","amount":"%d万","method":"%s"}`, c, y, m, later, c, 1+g.rng.Intn(10), methods[g.rng.Intn(len(methods))])
		}
	}
	if len(g.spends) > 0 {
		g.emit(`{"id":"rev-%d-%d","type":"reverse","date":"%s","entry":"%s","reason":"重复录入"}`, y, m, later, g.spends[0])
	}
	g.emit(`{"id":"rec-%d-%d","type":"reconciled","date":"%s","unit":"%s","period":"%d-%02d","scope":"own","matched":true,"differences":0,"statement_sha256":"%064x"}`,
		y, m, later, g.counties[0], y, m, g.seq)
}

// useFunds gives a county's new bond funds to its project of the kind.
func (g *synth) useFunds(c, kind, bond, date string, fen int64) {
	key := c + "|" + kind
	g.held[key] = append(g.held[key], synthHolding{bond, fen})
	p := g.projects[key]
	if p == "" {
		p = "X" + c + kind[:1]
		g.projects[key] = p
		g.emit(`{"id":"p-%s","type":"project","date":"%s","code":"%s","name":"%s项目","unit":"%s","sector":"%s","kind":"%s"}`, p, date, p, c, c, []string{"交通", "市政", "水利", "教育"}[g.rng.Intn(4)], kind)
	}
	alloc := fen / 2
	g.emit(`{"id":"a-%s-%s","type":"allocate","date":"%s","bond":"%s","project":"%s","amount":"%s"}`, bond, p, date, bond, p, yuan(alloc))
	id := fmt.Sprintf("s-%s-%s", bond, p)
	g.spends = append(g.spends, id)
	g.emit(`{"id":"%s","type":"spend","date":"%s","project":"%s","bond":"%s","amount":"%s"}`, id, date, p, bond, yuan(alloc/3))
}

// refinance applies a county's refinancing proceeds to its oldest bond of
// the kind.
func (g *synth) refinance(c, kind, ref, date string, fen int64) {
	key := c + "|" + kind
	held := g.held[key]
	if len(held) == 0 {
		return
	}
	h := &held[0]
	pay := fen
	if h.fen < pay {
		pay = h.fen
	}
	g.emit(`{"id":"r-%s-%s-%s","type":"repay","date":"%s","bond":"%s","unit":"%s","principal":"%s","interest":"0","source":"refinancing","refinancing_bond":"%s"}`,
		h.bond, c, ref, date, h.bond, c, yuan(pay), ref)
	h.fen -= pay
	if h.fen == 0 {
		g.held[key] = held[1:]
	}
}
