package quota

import "fmt"

// The quota side's cached state is split like the debt side's: the unit
// tree and journal-order facts in the core record, and each unit's limits
// and quota series in that unit's record, so that a query or a write loads
// only the units it touches.

// EncodeCore writes the unit tree and the facts that are not per unit.
func (b *Book) EncodeCore(w *Writer) {
	w.String(b.Root)
	codes := SortedKeys(b.Units, func(a, c string) bool { return a < c })
	w.Uint(uint64(len(codes)))
	for _, c := range codes {
		u := b.Units[c]
		w.String(u.Code)
		w.String(u.Name)
		w.String(u.Parent)
		w.Uint(uint64(u.Refs))
		w.Bool(u.BondEvents)
	}
}

// DecodeCore reads what EncodeCore wrote into an empty book.
func (b *Book) DecodeCore(r *Reader) {
	b.Root = r.String()
	n := r.Len()
	for i := 0; i < n && r.err == nil; i++ {
		u := &Unit{Code: r.String(), Name: r.String(), Parent: r.String()}
		b.Units[u.Code] = u
		u.Refs = int(r.Uint())
		u.BondEvents = r.Bool()
	}
	for _, u := range b.Units {
		if p := b.Units[u.Parent]; p != nil {
			p.Children = insertSorted(p.Children, u.Code)
		} else if u.Parent != "" {
			r.err = fmt.Errorf("%w: unit %s has no parent %s", ErrDamaged, u.Code, u.Parent)
		}
	}
}

// UnitKeys groups the book's per-unit series keys by unit, once, so that
// many unit records can be encoded without rescanning the maps.
type UnitKeys struct {
	grants map[string][]GrantKey
}

// GroupByUnit indexes the quota series by unit.
func (b *Book) GroupByUnit() *UnitKeys {
	g := &UnitKeys{grants: map[string][]GrantKey{}}
	seen := map[GrantKey]bool{}
	for _, m := range []map[GrantKey]*Series{b.Received, b.Passed, b.Unused} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				g.grants[k.Unit] = append(g.grants[k.Unit], k)
			}
		}
	}
	return g
}

// EncodeUnit writes one unit's limits and quota series.
func (b *Book) EncodeUnit(w *Writer, unit string, g *UnitKeys) {
	once := b.Once[unit]
	keys0 := SortedKeys(once, func(a, c string) bool { return a < c })
	w.Uint(uint64(len(keys0)))
	for _, k := range keys0 {
		w.String(k)
		w.Uint(uint64(once[k]))
	}
	for _, kind := range DebtKinds {
		w.Series(Figure(b.Limit, UnitKind{unit, kind}))
	}
	// Keys whose series are all empty are left out: a replayed book and
	// one loaded from the cache must encode alike.
	type grant struct {
		key                      GrantKey
		received, passed, unused *Series
	}
	var grants []grant
	for _, k := range g.grants[unit] {
		gr := grant{k, Figure(b.Received, k), Figure(b.Passed, k), Figure(b.Unused, k)}
		if !gr.received.Empty() || !gr.passed.Empty() || !gr.unused.Empty() {
			grants = append(grants, gr)
		}
	}
	sortSlice(grants, func(a, c grant) bool { return grantKeyLess(a.key, c.key) })
	w.Uint(uint64(len(grants)))
	for _, gr := range grants {
		w.Uint(uint64(gr.key.Year))
		w.String(gr.key.Kind)
		w.Series(gr.received)
		w.Series(gr.passed)
		w.Series(gr.unused)
	}
}

// ReleaseUnit drops a unit's limits and quota series, once its record is
// encoded by a book that is done with (debt.Book.FinalRecords).
func (b *Book) ReleaseUnit(unit string, g *UnitKeys) {
	delete(b.Once, unit)
	for _, kind := range DebtKinds {
		delete(b.Limit, UnitKind{unit, kind})
	}
	for _, k := range g.grants[unit] {
		delete(b.Received, k)
		delete(b.Passed, k)
		delete(b.Unused, k)
	}
}

// DecodeUnit reads what EncodeUnit wrote.
func (b *Book) DecodeUnit(r *Reader, unit string) {
	if n := r.Len(); n > 0 {
		once := b.OnceOf(unit)
		for i := 0; i < n && r.err == nil; i++ {
			k := r.String()
			once[k] = Date(r.Uint())
		}
	}
	for _, kind := range DebtKinds {
		if s := r.Series(); !s.Empty() {
			b.Limit[UnitKind{unit, kind}] = &s
		}
	}
	n := r.Len()
	for i := 0; i < n && r.err == nil; i++ {
		k := GrantKey{Unit: unit, Year: int(r.Uint()), Kind: r.String()}
		for _, m := range []map[GrantKey]*Series{b.Received, b.Passed, b.Unused} {
			if s := r.Series(); !s.Empty() {
				m[k] = &s
			}
		}
	}
}

// SortGrantKeys orders keys by year, then kind.
func SortGrantKeys(keys []GrantKey) { sortSlice(keys, grantKeyLess) }

func grantKeyLess(a, c GrantKey) bool {
	if a.Year != c.Year {
		return a.Year < c.Year
	}
	return a.Kind < c.Kind
}
