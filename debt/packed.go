package debt

import (
	"slices"
	"sort"

	"github.com/debtledger/debtledger/quota"
)

// A unit's cached record holds every holding it ever had, and every use
// of bond funds by its projects, and a write that loads the unit uses few
// of them: after five years of a national ledger, a 1M-line import
// touches about a quarter of the 1.5M holdings it loads. The others stay
// packed (their encoded bytes, a slice of the record), which costs a
// tenth of the memory of a decoded holding and gives the garbage
// collector one pointer to follow instead of eighteen. A packed holding
// or use is unpacked the first time it is read, and written back as it is
// if it never is.

// holdingSeries is how many series a holding encodes (Holding.series).
const holdingSeries = 9

// PackOnLoad makes the holdings and uses loaded from now on stay packed
// until used: for a write, which uses few of those it loads. A query that
// reads every holding (a schedule) would only pay to pack and unpack them.
func (b *Book) PackOnLoad() { b.packing = true }

// packable: a holding read from the cache may stay packed while packing,
// unless it is of a refinancing bond (rule 2 reads every one of those,
// through RefBonds) or already decoded.
func (b *Book) packable(code, unit string) bool {
	if !b.packing {
		return false
	}
	if bd := b.Bonds[code]; bd == nil || bd.Purpose == Refinancing {
		return false
	}
	return b.Holdings[unit][code] == nil
}

// packedHoldings are one unit's packed holdings: their bond codes in
// order, as the unit's record lists them, and their encodings (nil once
// unpacked). Sorted slices rather than a map: a national ledger packs a
// million and a half of them on every write, and finds few again.
type packedHoldings struct {
	codes []string
	segs  [][]byte
}

// find is the index of code, or -1.
func (p *packedHoldings) find(code string) int {
	if p == nil {
		return -1
	}
	i := sort.SearchStrings(p.codes, code)
	if i < len(p.codes) && p.codes[i] == code {
		return i
	}
	return -1
}

// pack keeps a holding's encoding (its touched flag and series) for later.
func (b *Book) pack(code, unit string, seg []byte) {
	code, unit = b.bondCode(code), b.Quota.Code(unit)
	if b.packed == nil {
		b.packed = map[string]*packedHoldings{}
	}
	p := b.packed[unit]
	if p == nil {
		p = &packedHoldings{}
		b.packed[unit] = p
	}
	if n := len(p.codes); n == 0 || p.codes[n-1] < code {
		p.codes, p.segs = append(p.codes, code), append(p.segs, seg)
	} else if i := p.find(code); i >= 0 {
		p.segs[i] = seg
	} else {
		// Records list a unit's bonds in order, so this is rare.
		i := sort.SearchStrings(p.codes, code)
		p.codes, p.segs = slices.Insert(p.codes, i, code), slices.Insert(p.segs, i, seg)
	}
	list := b.UnitBonds[unit]
	if n := len(list); n > 0 && list[n-1] >= code {
		i := sort.SearchStrings(list, code)
		if i < n && list[i] == code {
			return
		}
		list = slices.Insert(list, i, code)
	} else {
		list = append(list, code)
	}
	b.UnitBonds[unit] = list
}

// unpack decodes a packed holding into Holdings; nil if there is none.
func (b *Book) unpack(bond, unit string) *Holding {
	p := b.packed[unit]
	i := p.find(bond)
	if i < 0 || p.segs[i] == nil {
		return nil
	}
	seg := p.segs[i]
	p.segs[i] = nil
	bond, unit = p.codes[i], b.Quota.Code(unit)
	h := &Holding{}
	r := quota.NewReader(seg)
	h.Touched = r.Bool()
	for _, s := range h.series() {
		*s = r.Series()
	}
	m := b.Holdings[unit]
	if m == nil {
		m = map[string]*Holding{}
		b.Holdings[unit] = m
	}
	m[bond] = h
	return h
}

// unpackAll decodes every packed holding and use.
func (b *Book) unpackAll() {
	for unit, p := range b.packed {
		for _, bond := range p.codes {
			b.unpack(bond, unit)
		}
	}
	for k := range b.packedUses {
		b.unpackUse(k)
	}
}

// packUse keeps a use's encoding (its three series) for later. The key
// keeps the registered strings, not the record's copies.
func (b *Book) packUse(bond, project string, seg []byte) {
	k := UseKey{Bond: b.bondCode(bond), Project: project}
	if p := b.Projects[project]; p != nil {
		k.Project = p.Code
	}
	if b.packedUses == nil {
		b.packedUses = map[UseKey][]byte{}
	}
	b.packedUses[k] = seg
}

// unpackUse decodes a packed use into Uses; nil if there is none.
func (b *Book) unpackUse(k UseKey) *Use {
	seg, ok := b.packedUses[k]
	if !ok {
		return nil
	}
	delete(b.packedUses, k)
	r := quota.NewReader(seg)
	u := &Use{Allocated: r.Series(), Spent: r.Series(), Unspent: r.Series()}
	if p := b.Projects[k.Project]; p != nil {
		k.Project = p.Code
	}
	k.Bond = b.bondCode(k.Bond)
	b.Uses[k] = u
	return u
}
