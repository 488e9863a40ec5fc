package ledger

import "hash/maphash"

// idIndex finds an id appended in this batch once the ids stop coming in
// order. An import checks every id against it twice (is it new? then add
// it), a million times: a Go map keyed by the id's hash spent a microsecond
// on each pair, mostly growing and probing a large table of pointers. This
// is an open-addressing table of plain words, probed linearly: slot =
// top 32 bits of the id's hash << 32 | (index in order + 1), 0 = empty.
// The hash bits in the slot also place it, so growing the table moves
// words without hashing an id again. Equal hash bits are told apart by
// comparing the ids themselves, so a collision costs a comparison, never
// a wrong answer.
type idIndex struct {
	seed  maphash.Seed
	slots []uint64 // a power of two long, at most half full
	n     int
}

func newIDIndex(capacity int) *idIndex {
	size := 1024
	for size < 2*capacity {
		size *= 2
	}
	return &idIndex{seed: maphash.MakeSeed(), slots: make([]uint64, size)}
}

// tagOf is the part of id's hash a slot keeps.
func (x *idIndex) tagOf(id string) uint32 {
	return uint32(maphash.String(x.seed, id) >> 32)
}

// find returns the index in order of the id with the given tag for which
// same is true, or the free slot where it would go.
func (x *idIndex) find(tag uint32, same func(i int) bool) (i int, found bool, free int) {
	mask := len(x.slots) - 1
	for s := int(tag) & mask; ; s = (s + 1) & mask {
		w := x.slots[s]
		switch {
		case w == 0:
			return 0, false, s
		case uint32(w>>32) == tag && same(int(uint32(w))-1):
			return int(uint32(w)) - 1, true, s
		}
	}
}

// put fills the free slot find returned (with no put since) with order
// index i, and grows the table when it gets more than half full.
func (x *idIndex) put(free int, tag uint32, i int) {
	x.slots[free] = uint64(tag)<<32 | uint64(uint32(i+1))
	x.n++
	if 2*x.n > len(x.slots) {
		x.grow()
	}
}

func (x *idIndex) grow() {
	old := x.slots
	x.slots = make([]uint64, 2*len(old))
	mask := len(x.slots) - 1
	for _, w := range old {
		if w == 0 {
			continue
		}
		s := int(uint32(w>>32)) & mask
		for x.slots[s] != 0 {
			s = (s + 1) & mask
		}
		x.slots[s] = w
	}
}

// hashSet remembers the ids an Encoder has seen, as 64-bit hashes only:
// two ids with one hash (about once in 10^7 imports of a million lines)
// make the second look seen, which costs the batch a look-up, never a
// wrong answer (see Encoded.first).
type hashSet struct {
	seed  maphash.Seed
	slots []uint64 // a power of two long, at most half full; 0 = empty
	n     int
}

// newHashSetFor is a hashSet with room for n ids without growing: an
// import knows its line count, and growing a table of millions, slot by
// slot, cost it 80 ms.
func newHashSetFor(n int) *hashSet {
	size := 1024
	for size < 2*n+2 {
		size *= 2
	}
	return &hashSet{seed: maphash.MakeSeed(), slots: make([]uint64, size)}
}

// add adds id and reports whether its hash was new.
func (s *hashSet) add(id string) bool {
	h := maphash.String(s.seed, id) | 1 // never 0, the empty slot
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case h:
			return false
		case 0:
			s.slots[i] = h
			if s.n++; 2*s.n > len(s.slots) {
				s.grow()
			}
			return true
		}
	}
}

func (s *hashSet) grow() {
	old := s.slots
	s.slots = make([]uint64, 2*len(old))
	mask := uint64(len(s.slots) - 1)
	for _, h := range old {
		if h == 0 {
			continue
		}
		i := h & mask
		for s.slots[i] != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = h
	}
}
