package debt

import (
	"fmt"
	"runtime"
	"sort"
	"sync"

	"github.com/debtledger/debtledger/quota"
	"github.com/shopspring/decimal"
)

// The cached state is a set of records: CoreRecord, holding what is not per
// unit (the unit tree, bonds, projects, journal-order facts), and per unit
// one record (UnitRecordPrefix + code) with that unit's holdings,
// projects' funds, hidden debt, budgets, limits and quotas, one with its
// own principal (PrincipalRecordPrefix) and one with its subtree's
// (SubtreeRecordPrefix). A query loads
// the core and the units it asks about; a write loads the units its events
// touch and rewrites only those. Every record is encoded deterministically,
// so `check` compares the cache with a replay byte for byte.
const (
	CoreRecord            = "core"
	CatalogRecord         = "catalog"
	UnitRecordPrefix      = "u/"
	PrincipalRecordPrefix = "p/"
)

// cacheLayout is written first in the core record and changed whenever
// the records' layout changes: a cache written by another version is then
// not read (the journal is replayed instead, and the next write rewrites
// every record), never misread. It starts at a million so that a cache
// from before it existed, whose first number is the length of the root's
// code, cannot pass for one.
const cacheLayout = 1_000_003

// CheckLayout refuses a core record of another layout than this
// version's.
func CheckLayout(core []byte) error {
	if v := quota.NewReader(core).Uint(); v != cacheLayout {
		return fmt.Errorf("layout %d, not %d", v, cacheLayout)
	}
	return nil
}

// Loader fetches a record from the cache by name; nil, nil when absent.
type Loader func(unit string) ([]byte, error)

// Records encodes the core and the units changed since the book was loaded
// (all units when all is set). A nil record is one to delete.
func (b *Book) Records(all bool) map[string][]byte { return b.records(all, false) }

// FinalRecords is Records for a book that is done with: each unit's
// decoded state is dropped once its records are encoded, so that the
// new records take the old ones' place in memory rather than join them.
// Without it the fifth 1M file into a national ledger held both, 0.35 GB
// more at its peak. A book that read no unit's record (a first import)
// holds only what its own events made, within the import's limit, and is
// spared the map deletes (0.17 s for a million entries). The book is not
// to be used after.
func (b *Book) FinalRecords() map[string][]byte {
	return b.records(false, len(b.unitRecordSize) > 0)
}

func (b *Book) records(all, release bool) map[string][]byte {
	out := map[string][]byte{CoreRecord: b.encodeCore(), CatalogRecord: b.encodeCatalog()}
	units := make([]string, 0, len(b.dirty))
	if all {
		for u := range b.Quota.Units {
			units = append(units, u)
		}
	} else {
		for u := range b.dirty {
			if b.Quota.Has(u) {
				units = append(units, u)
			} else {
				out[UnitRecordPrefix+u] = nil // unregistered: delete
				out[PrincipalRecordPrefix+u] = nil
				out[SubtreeRecordPrefix+u] = nil
			}
		}
	}
	for u := range b.dirtySubtree {
		if b.Quota.Has(u) {
			out[SubtreeRecordPrefix+u] = encodePerKind(b.Subtree, u)
		}
	}
	sort.Strings(units)
	g := b.groupByUnit()
	qg := b.Quota.GroupByUnit()
	// Encoding only reads the book, and after a large import every unit
	// is to be encoded: the cores share the units (every other one, as
	// neighbours in code order are alike in size). Releasing changes the
	// book's maps, which no encoder may then be reading: units go in
	// rounds, released between them.
	workers := min(runtime.GOMAXPROCS(0), max(len(units)/64, 1))
	round := len(units)
	if release {
		round = releaseRound * workers
	}
	parts := make([]map[string][]byte, workers)
	for k := range parts {
		parts[k] = make(map[string][]byte, 3*len(units)/workers+1)
	}
	for start := 0; start < len(units); start += round {
		chunk := units[start:min(start+round, len(units))]
		var wg sync.WaitGroup
		for k := range parts {
			wg.Add(1)
			go func(part map[string][]byte) {
				defer wg.Done()
				for i := k; i < len(chunk); i += workers {
					b.encodeUnitRecords(part, chunk[i], g, qg, all)
				}
			}(parts[k])
		}
		wg.Wait()
		if release {
			for _, u := range chunk {
				b.releaseUnit(u, g, qg)
			}
		}
	}
	for _, part := range parts {
		for name, rec := range part {
			out[name] = rec
		}
	}
	return out
}

// releaseRound is how many units each core encodes between releases: a
// national ledger's 3,000 units go in about 25 rounds.
var releaseRound = 64

// releaseUnit drops what a unit's record holds from the book (see
// FinalRecords): its holdings, its projects' uses of bond funds, its hidden
// debt, plans, budgets, limits and quotas.
func (b *Book) releaseUnit(u string, g *unitKeys, qg *quota.UnitKeys) {
	delete(b.Holdings, u)
	delete(b.packed, u)
	for _, k := range g.uses[u] {
		delete(b.Uses, k)
		delete(b.packedUses, k)
	}
	delete(b.Hidden, u)
	for _, k := range g.planned[u] {
		delete(b.Planned, k)
	}
	for _, k := range g.budgets[u] {
		delete(b.Budgets, k)
	}
	for _, kind := range quota.DebtKinds {
		uk := quota.UnitKind{Unit: u, Kind: kind}
		delete(b.RefBonds, uk)
		delete(b.refOrders, uk)
	}
	b.Quota.ReleaseUnit(u, qg)
}

// encodeUnitRecords puts a unit's records (its subtree's too, with all)
// into out.
func (b *Book) encodeUnitRecords(out map[string][]byte, u string, g *unitKeys, qg *quota.UnitKeys, all bool) {
	var w quota.Writer
	w.Grow(b.unitRecordSize[u] + 1<<10) // mostly the record as read
	b.Quota.EncodeUnit(&w, u, qg)
	b.encodeUnit(&w, u, g)
	out[UnitRecordPrefix+u] = w.Bytes()
	out[PrincipalRecordPrefix+u] = encodePerKind(b.Principal, u)
	if all {
		out[SubtreeRecordPrefix+u] = encodePerKind(b.Subtree, u)
	}
}

// Load builds a book from the cached core and catalog records; unit
// records are read through load as queries and writes need them.
func Load(core []byte, load Loader) (*Book, error) {
	b, err := LoadTree(core, load)
	if err == nil {
		err = b.needCatalog()
	}
	if err != nil {
		return nil, err
	}
	return b, nil
}

// LoadTree is Load without the catalog (bonds, projects, reversals) until
// a unit's records are needed: all that `balance` reads is the unit tree
// and principal. Such a book is for queries only.
func LoadTree(core []byte, load Loader) (*Book, error) {
	if err := CheckLayout(core); err != nil {
		return nil, err
	}
	b := New()
	r := quota.NewReader(core)
	r.Uint()
	b.decodeCore(r)
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("state cache core: %w", err)
	}
	b.load = load
	b.loaded = map[string]bool{}
	b.loadedPrincipal = map[string]bool{}
	b.loadedSubtree = map[string]bool{}
	b.catalogPending = true
	return b, nil
}

// needCatalog reads the catalog record, once.
func (b *Book) needCatalog() error {
	if !b.catalogPending {
		return nil
	}
	b.catalogPending = false
	rec, err := b.load(CatalogRecord)
	if err != nil {
		return err
	}
	if rec == nil {
		return fmt.Errorf("state cache: no catalog record")
	}
	r := quota.NewReader(rec)
	b.decodeCatalog(r)
	if err := r.Err(); err != nil {
		return fmt.Errorf("state cache catalog: %w", err)
	}
	return nil
}

// NeedPrincipal loads only the units' outstanding principal per kind:
// all that `balance` needs, and a small part of a unit's record.
func (b *Book) NeedPrincipal(units ...string) error {
	return b.loadPerKind(units, PrincipalRecordPrefix, b.loadedPrincipal, b.Principal)
}

// loadPerKind reads each unit's record of a kind (prefix): a series per
// debt kind, into m.
func (b *Book) loadPerKind(units []string, prefix string, done map[string]bool, m map[quota.UnitKind]*quota.Series) error {
	return b.loadRecords(units, prefix, done, func(r *quota.Reader, u string) {
		for _, kind := range quota.DebtKinds {
			if s := r.Series(); !s.Empty() {
				m[quota.UnitKind{Unit: u, Kind: kind}] = &s
			}
		}
	})
}

// encodePerKind is a unit's series per debt kind in m, as one record.
func encodePerKind(m map[quota.UnitKind]*quota.Series, unit string) []byte {
	var w quota.Writer
	for _, kind := range quota.DebtKinds {
		w.Series(quota.Figure(m, quota.UnitKind{Unit: unit, Kind: kind}))
	}
	return w.Bytes()
}

// NeedUnits makes sure the units' records are loaded.
func (b *Book) NeedUnits(units ...string) error {
	if err := b.needCatalog(); err != nil {
		return err
	}
	if err := b.NeedPrincipal(units...); err != nil {
		return err
	}
	if err := b.NeedSubtreeTotals(units...); err != nil {
		return err
	}
	return b.loadRecords(units, UnitRecordPrefix, b.loaded, func(r *quota.Reader, u string) {
		if b.unitRecordSize == nil {
			b.unitRecordSize = map[string]int{}
		}
		b.unitRecordSize[u] = len(r.Rest())
		b.Quota.DecodeUnit(r, u)
		b.decodeUnit(r, u)
	})
}

// loadRecords reads each unit's record of a kind (prefix) once, marking
// it in done, through decode.
func (b *Book) loadRecords(units []string, prefix string, done map[string]bool, decode func(*quota.Reader, string)) error {
	if b.load == nil {
		return nil
	}
	for _, u := range units {
		if u == "" || done[u] || !b.Quota.Has(u) {
			continue
		}
		done[u] = true
		rec, err := b.load(prefix + u)
		if err != nil {
			return err
		}
		if rec == nil {
			continue
		}
		r := quota.NewReader(rec)
		decode(r, u)
		if err := r.Err(); err != nil {
			return fmt.Errorf("state cache of unit %s: %w", u, err)
		}
	}
	return nil
}

// NeedSubtree loads a unit and every unit below it.
func (b *Book) NeedSubtree(unit string) error { return b.NeedUnits(b.Quota.Subtree(unit)...) }

// NeedAll loads every unit.
func (b *Book) NeedAll() error {
	if b.load == nil {
		return nil
	}
	return b.NeedUnits(quota.SortedKeys(b.Quota.Units, func(a, c string) bool { return a < c })...)
}

func (b *Book) encodeCore() []byte {
	var w quota.Writer
	w.Uint(cacheLayout)
	b.Quota.EncodeCore(&w)
	w.Uint(uint64(b.ClosedThrough))
	w.Uint(uint64(b.Entries))
	return w.Bytes()
}

func (b *Book) decodeCore(r *quota.Reader) {
	b.Quota.DecodeCore(r)
	b.ClosedThrough = quota.Date(r.Uint())
	b.Entries = int(r.Uint())
}

// encodeCatalog is the bonds, projects and reversals.
func (b *Book) encodeCatalog() []byte {
	var w quota.Writer
	codes := quota.SortedKeys(b.Bonds, func(a, c string) bool { return a < c })
	w.Uint(uint64(len(codes)))
	for _, c := range codes {
		bd := b.Bonds[c]
		w.String(bd.Code)
		w.String(bd.Name)
		w.String(bd.Kind)
		w.String(bd.Purpose)
		w.Uint(uint64(bd.ValueDate))
		w.Uint(uint64(bd.Maturity))
		w.String(bd.Rate.String())
		w.String(bd.Interest)
		w.Uint(uint64(len(bd.Amortization)))
		for _, s := range bd.Amortization {
			w.Uint(uint64(s.Date))
			w.String(s.Percent.String())
		}
		w.Uint(uint64(b.BondRefs[c]))
	}
	codes = quota.SortedKeys(b.Projects, func(a, c string) bool { return a < c })
	w.Uint(uint64(len(codes)))
	for _, c := range codes {
		p := b.Projects[c]
		w.String(p.Code)
		w.String(p.Name)
		w.String(p.Unit)
		w.String(p.Sector)
		w.String(p.Kind)
		w.Uint(uint64(b.ProjectRefs[c]))
	}
	ids := quota.SortedKeys(b.Reversed, func(a, c string) bool { return a < c })
	w.Uint(uint64(len(ids)))
	for _, id := range ids {
		w.String(id)
		w.Uint(uint64(b.Reversed[id]))
	}
	return w.Bytes()
}

func (b *Book) decodeCatalog(r *quota.Reader) {
	n := r.Len()
	for i := 0; i < n; i++ {
		bd := &Bond{Code: r.String(), Name: r.String(), Kind: r.String(), Purpose: r.String(),
			ValueDate: quota.Date(r.Uint()), Maturity: quota.Date(r.Uint())}
		bd.Rate = decimalOf(r, r.String())
		bd.Interest = r.String()
		steps := r.Len()
		for j := 0; j < steps; j++ {
			d := quota.Date(r.Uint())
			bd.Amortization = append(bd.Amortization, Step{d, decimalOf(r, r.String())})
		}
		b.Bonds[bd.Code] = bd
		if refs := r.Uint(); refs > 0 {
			b.BondRefs[bd.Code] = int(refs)
		}
	}
	n = r.Len()
	for i := 0; i < n; i++ {
		p := &Project{Code: r.String(), Name: r.String(), Unit: r.String(), Sector: r.String(), Kind: r.String()}
		b.Projects[p.Code] = p
		b.UnitProjects[p.Unit] = append(b.UnitProjects[p.Unit], p.Code)
		if refs := r.Uint(); refs > 0 {
			b.ProjectRefs[p.Code] = int(refs)
		}
	}
	n = r.Len()
	for i := 0; i < n; i++ {
		id := r.String()
		b.Reversed[id] = quota.Date(r.Uint())
	}
}

// unitKeys indexes the debt side's per-unit entries in one pass.
type unitKeys struct {
	uses    map[string][]UseKey
	planned map[string][]PlanKey
	budgets map[string][]BudgetKey
}

func (b *Book) groupByUnit() *unitKeys {
	g := &unitKeys{uses: map[string][]UseKey{}, planned: map[string][]PlanKey{}, budgets: map[string][]BudgetKey{}}
	for k := range b.Uses {
		if p := b.Projects[k.Project]; p != nil {
			g.uses[p.Unit] = append(g.uses[p.Unit], k)
		}
	}
	for k := range b.packedUses {
		if p := b.Projects[k.Project]; p != nil {
			g.uses[p.Unit] = append(g.uses[p.Unit], k)
		}
	}
	for k := range b.Planned {
		g.planned[k.Unit] = append(g.planned[k.Unit], k)
	}
	for k := range b.Budgets {
		g.budgets[k.Unit] = append(g.budgets[k.Unit], k)
	}
	return g
}

func (h *Holding) series() [holdingSeries]*quota.Series {
	return [holdingSeries]*quota.Series{&h.Principal, &h.In, &h.Out, &h.Repaid, &h.Interest, &h.Fee, &h.Applied, &h.Allocated, &h.Free}
}

func (h *Holding) empty() bool {
	for _, s := range h.series() {
		if !s.Empty() {
			return false
		}
	}
	return !h.Touched
}

func (b *Book) encodeUnit(w *quota.Writer, unit string, g *unitKeys) {
	// Records encodes units on several cores: nothing here may change the
	// book, so packed holdings are copied as they are, not unpacked.
	// One look-up per holding: a unit of a national ledger has hundreds.
	type holding struct {
		code   string
		packed []byte // its encoding, if still packed
		h      *Holding
	}
	packed, decoded := b.packed[unit], b.Holdings[unit]
	var held []holding
	j := 0 // UnitBonds and packed.codes are both in code order
	for _, code := range b.UnitBonds[unit] {
		for packed != nil && j < len(packed.codes) && packed.codes[j] < code {
			j++
		}
		if packed != nil && j < len(packed.codes) && packed.codes[j] == code && packed.segs[j] != nil {
			held = append(held, holding{code: code, packed: packed.segs[j]})
		} else if h := decoded[code]; h != nil && !h.empty() {
			held = append(held, holding{code: code, h: h})
		}
	}
	w.Uint(uint64(len(held)))
	for _, hd := range held {
		w.String(hd.code)
		if hd.h == nil {
			w.Raw(hd.packed)
			continue
		}
		w.Bool(hd.h.Touched)
		for _, s := range hd.h.series() {
			w.Series(s)
		}
	}
	uses := g.uses[unit]
	sort.Slice(uses, func(i, j int) bool {
		if uses[i].Project != uses[j].Project {
			return uses[i].Project < uses[j].Project
		}
		return uses[i].Bond < uses[j].Bond
	})
	// Packed uses were written because they were live, and are copied as
	// they are; decoded ones are written if live.
	type use struct {
		key UseKey
		u   *Use // nil: still packed
	}
	live := make([]use, 0, len(uses))
	for _, k := range uses {
		if u := b.Uses[k]; u == nil || !u.Allocated.Empty() || !u.Spent.Empty() || !u.Unspent.Empty() {
			live = append(live, use{k, u})
		}
	}
	w.Uint(uint64(len(live)))
	for _, lu := range live {
		w.String(lu.key.Project)
		w.String(lu.key.Bond)
		if u := lu.u; u != nil {
			w.Series(&u.Allocated)
			w.Series(&u.Spent)
			w.Series(&u.Unspent)
		} else {
			w.Raw(b.packedUses[lu.key])
		}
	}
	hd := b.Hidden[unit]
	if hd == nil {
		hd = &HiddenDebt{}
	}
	w.Series(&hd.Stock)
	w.Series(&hd.Resolved)
	w.Series(&hd.Unresolved)
	writeLive(w, quota.SortedKeys(hd.ByMethod, func(a, c string) bool { return a < c }),
		func(m string) []*quota.Series { return []*quota.Series{hd.ByMethod[m]} },
		func(m string) { w.String(m) })
	plans := g.planned[unit]
	sort.Slice(plans, func(i, j int) bool { return plans[i].Period < plans[j].Period })
	writeLive(w, plans, func(k PlanKey) []*quota.Series { return []*quota.Series{b.Planned[k]} },
		func(k PlanKey) { w.Uint(uint64(k.Period)) })
	budgets := g.budgets[unit]
	sort.Slice(budgets, func(i, j int) bool {
		if budgets[i].Year != budgets[j].Year {
			return budgets[i].Year < budgets[j].Year
		}
		return budgets[i].Item < budgets[j].Item
	})
	writeLive(w, budgets, func(k BudgetKey) []*quota.Series { return []*quota.Series{b.Budgets[k]} },
		func(k BudgetKey) {
			w.Uint(uint64(k.Year))
			w.String(k.Item)
		})
}

// writeLive writes the entries among keys (in their order) that have any
// non-empty series: their count, then each one's key and series. Empty
// ones are left out, so that a replayed book and one loaded from the cache
// encode alike.
func writeLive[K any](w *quota.Writer, keys []K, series func(K) []*quota.Series, writeKey func(K)) {
	var live []K
	for _, k := range keys {
		for _, s := range series(k) {
			if !s.Empty() {
				live = append(live, k)
				break
			}
		}
	}
	w.Uint(uint64(len(live)))
	for _, k := range live {
		writeKey(k)
		for _, s := range series(k) {
			w.Series(s)
		}
	}
}

func (b *Book) decodeUnit(r *quota.Reader, unit string) {
	n := r.Len()
	for i := 0; i < n; i++ {
		code := b.bondCodeOf(r.Bytes())
		if b.packable(code, unit) {
			rest := r.Rest()
			r.Bool()
			for range holdingSeries {
				r.Series()
			}
			b.pack(code, unit, rest[:len(rest)-len(r.Rest())])
			continue
		}
		h := b.holding(code, unit)
		h.Touched = r.Bool()
		for _, s := range h.series() {
			*s = r.Series()
		}
		b.refsMoved(h, unit, b.Bonds[code]) // its proceeds are now known
	}
	n = r.Len()
	for i := 0; i < n; i++ {
		project, bond := b.projectCodeOf(r.Bytes()), b.bondCodeOf(r.Bytes())
		if b.packing && b.Uses[UseKey{bond, project}] == nil {
			rest := r.Rest()
			r.Series()
			r.Series()
			r.Series()
			b.packUse(bond, project, rest[:len(rest)-len(r.Rest())])
			continue
		}
		u := b.use(bond, project)
		u.Allocated, u.Spent, u.Unspent = r.Series(), r.Series(), r.Series()
	}
	stock, resolved, unresolved := r.Series(), r.Series(), r.Series()
	methods := r.Len()
	if !stock.Empty() || !resolved.Empty() || !unresolved.Empty() || methods > 0 {
		hd := b.hidden(unit)
		hd.Stock, hd.Resolved, hd.Unresolved = stock, resolved, unresolved
		for i := 0; i < methods; i++ {
			m := r.String()
			s := r.Series()
			hd.ByMethod[m] = &s
		}
	}
	n = r.Len()
	for i := 0; i < n; i++ {
		k := PlanKey{unit, quota.Period(r.Uint())}
		s := r.Series()
		b.Planned[k] = &s
	}
	n = r.Len()
	for i := 0; i < n; i++ {
		k := BudgetKey{Unit: unit, Year: int(r.Uint()), Item: r.String()}
		s := r.Series()
		b.Budgets[k] = &s
	}
}

func decimalOf(r *quota.Reader, s string) decimal.Decimal {
	d, err := decimal.NewFromString(s)
	if err != nil {
		r.Fail()
	}
	return d
}

// MarkAllDirty makes the next Records write every unit: the book was
// rebuilt from the journal, not loaded from the cache.
func (b *Book) MarkAllDirty() {
	for u := range b.Quota.Units {
		b.dirty[u] = true
	}
}
