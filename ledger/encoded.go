package ledger

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// Encoded is an entry checked and encoded ahead of its append: its stored
// value with room for the hash, and its canonical encoding on either side
// of the sequence number, which only the append knows. An import encodes
// its entries on the core that parses, so that the single writer that
// checks the rules only numbers and hashes them.
type Encoded struct {
	id     string
	val    []byte // the hash's 32 bytes (blank), then the stored fields
	before []byte // the canonical encoding up to `"seq":`
	after  []byte // from `,"type":` to the end
	// absentFrom is set when the encoder found no entry with this id in
	// the ledger; it is the head of the batch the encoder was made for,
	// which the encoder's view shows too (see Batch.NewEncoder).
	absentFrom *head

	// Set by a batch's encoder, for the batch to trust while every entry
	// it has appended came from that encoder, in the order encoded
	// (Batch.trusts):
	from  *Encoder
	n     uint64 // 1 for the encoder's first entry, 2 for the next…
	first bool   // no earlier entry of the encoder has this id
	// spec is the sequence number the encoder hashed the entry at (0:
	// none), chained to prev, assuming every earlier entry it found new
	// is appended; the hash is in val's first 32 bytes.
	spec uint64
	prev [32]byte
}

// head names a state of the ledger: its last entry's sequence number and
// hash.
type head struct {
	seq  uint64
	hash [32]byte
}

// ID is the entry's id.
func (x *Encoded) ID() string { return x.id }

// Valid reports whether x came from Encode (the zero Encoded did not).
func (x *Encoded) Valid() bool { return x.val != nil }

// Encoder encodes entries into large chunks of its own, which the
// collector sees as a few objects rather than millions.
type Encoder struct {
	vals, canon []byte

	// Set by Batch.NewEncoder: the committed ids, read on a view of the
	// encoder's own, and the head that view shows.
	batch *Batch
	tx    *bolt.Tx
	ids   *bolt.Bucket
	at    *head
	noIDs bool // the view has no ids: every one is absent
	key   []byte
	// seen holds the ids encoded so far (count of them); chain is the
	// head the batch will have if it appends every entry found new so far.
	seen    *hashSet
	count   uint64
	chain   head
	scratch []byte
}

// NewEncoder returns an Encoder that also looks each id up among the
// committed entries, on a read-only view of its own: the goroutine that
// encodes an import, not the single writer, pays for that look-up in the
// (large) ids index. An id it finds absent is looked up by the batch only
// among its own appends. The view must show the batch's own starting
// state: use it within Prepare on a ledger opened read-only (which no
// writer can change meanwhile), or within Update. Call it in the batch's
// goroutine, use the Encoder in one goroutine, and Close it before the
// batch ends.
func (b *Batch) NewEncoder() (*Encoder, error) {
	if b.tx == nil {
		return nil, errBatchClosed
	}
	tx, err := b.l.db.Begin(false)
	if err != nil {
		return nil, b.l.classify(err)
	}
	at := &head{b.startSeq, b.startHash}
	en := &Encoder{batch: b, tx: tx, at: at, seen: newHashSetFor(b.reserved), chain: *at}
	if en.ids = tx.Bucket(bucketIDs); en.ids == nil {
		tx.Rollback()
		return nil, b.l.corrupt(fmt.Sprintf("no %q bucket (not a debtledger file?)", bucketIDs))
	}
	// Into a ledger without entries every id is absent: no look-up.
	err = b.l.classify(guard(nil, func() error {
		k, _ := en.ids.Cursor().First()
		en.noIDs = k == nil
		return nil
	}))
	if err != nil {
		tx.Rollback()
		return nil, err
	}
	return en, nil
}

// Close ends the encoder's view of the ledger, if it has one.
func (en *Encoder) Close() {
	if en.tx != nil {
		en.tx.Rollback()
		en.tx, en.ids = nil, nil
	}
}

// screen marks x absent from the committed ledger if its id is not there.
func (en *Encoder) screen(x *Encoded) error {
	if en.ids == nil {
		return nil
	}
	if en.noIDs {
		x.absentFrom = en.at
		return nil
	}
	var found bool
	err := en.batch.l.classify(guard(nil, func() error {
		en.key = append(en.key[:0], x.id...)
		found = en.ids.Get(en.key) != nil
		return nil
	}))
	if err == nil && !found {
		x.absentFrom = en.at
	}
	return err
}

// Encode checks e as Append does and encodes it; e.Seq, e.Prev and e.Hash
// are ignored.
func (en *Encoder) Encode(e *Entry) (Encoded, error) {
	c := e.content()
	if err := c.check(); err != nil {
		return Encoded{}, fmt.Errorf("entry %q: %w", e.ID, err)
	}
	x := Encoded{id: e.ID}
	x.val = carve(&en.vals, sha256.Size+c.storedSize())
	c.putStored(x.val[sha256.Size:])
	// The canonical encoding is kept apart from the values: it is needed
	// only until the append hashes it, and dropped with its chunk then.
	// Encoded with seq 0, then cut around that 0. Quotes inside strings
	// are escaped, so the last `,"seq":0,"type":` is the key itself.
	canon := c.appendCanonical(carve(&en.canon, c.canonicalSize())[:0], 0)
	cut := bytes.LastIndex(canon, []byte(`,"seq":0,"type":`)) + len(`,"seq":`)
	x.before, x.after = canon[:cut], canon[cut+1:]
	if err := en.screen(&x); err != nil {
		return Encoded{}, err
	}
	if en.batch != nil {
		en.anticipate(&x)
	}
	return x, nil
}

// anticipate marks x for its batch: whether an earlier entry of this
// encoder had its id and, for an entry that is new to the ledger and to
// the encoder (so the batch will append it, unless it refuses the whole
// import), its hash at the sequence number it will have. The parsing core
// hashes, and the single writer only checks that the chain is the one it
// built.
func (en *Encoder) anticipate(x *Encoded) {
	en.count++
	x.from, x.n = en, en.count
	x.first = en.seen.add(x.id)
	if !x.first || x.absentFrom == nil {
		return // a duplicate the batch will likely skip: not chained
	}
	seq := en.chain.seq + 1
	hash := x.hashAt(&en.scratch, en.chain.hash, seq)
	x.spec, x.prev = seq, en.chain.hash
	en.chain = head{seq, hash}
}

// hashAt is x's chain hash as entry seq after prev (scratch is reused),
// written into x.val too.
func (x *Encoded) hashAt(scratch *[]byte, prev [32]byte, seq uint64) [32]byte {
	buf := append((*scratch)[:0], prev[:]...)
	buf = append(buf, x.before...)
	buf = strconv.AppendUint(buf, seq, 10)
	buf = append(buf, x.after...)
	*scratch = buf
	hash := sha256.Sum256(buf)
	copy(x.val, hash[:])
	return hash
}

// carve returns n bytes from *chunk, starting a new chunk when it is full.
func carve(chunk *[]byte, n int) []byte {
	const size = 1 << 20
	if cap(*chunk)-len(*chunk) < n {
		*chunk = make([]byte, 0, max(size, n))
	}
	start := len(*chunk)
	*chunk = (*chunk)[:start+n]
	return (*chunk)[start : start+n : start+n]
}

// AppendEncoded is Append of an entry encoded by an Encoder; it returns the
// entry's sequence number and hash.
func (b *Batch) AppendEncoded(x *Encoded) (seq uint64, hash [32]byte, err error) {
	if b.tx == nil {
		return 0, hash, errBatchClosed
	}
	err = b.l.classify(guard(nil, func() error {
		screened := b.screened(x)
		switch {
		case screened && x.first && b.trusts(x):
			// New to the ledger and to every entry appended so far.
		case !b.hasLastMiss || b.lastMiss != x.id:
			if err := b.checkNew(x.id, !screened); err != nil {
				return err
			}
		}
		seq = b.seq + 1
		if x.from != nil && x.from.batch == b && x.spec == seq && x.prev == b.hash {
			copy(hash[:], x.val) // the encoder's hash, of this very chain
		} else {
			hash = x.hashAt(&b.scratch, b.hash, seq)
			x.spec = 0 // val no longer holds the anticipated hash
		}
		copy(b.staged.next(len(x.val)), x.val)
		b.seq, b.hash = seq, hash
		b.hasLastMiss = false
		b.addPending(x.id, seq)
		b.appendedFrom(x.from, x.n)
		return nil
	}))
	return seq, hash, err
}

// trusts reports whether x's marks hold for this batch: its encoder is
// this batch's, every entry appended so far came from it, and each was
// encoded before x (so an id the encoder had not seen is not among them;
// an entry appended twice, or out of order, is checked in full).
func (b *Batch) trusts(x *Encoded) bool {
	return x.from != nil && x.from.batch == b && !b.mixed &&
		(b.source == nil || b.source == x.from) && x.n > b.sourceN
}

// appendedFrom notes the source of an append, the encoder and its number
// for the entry (nil: not an encoder of this batch), for trusts.
func (b *Batch) appendedFrom(en *Encoder, n uint64) {
	switch {
	case en == nil || en.batch != b:
		b.mixed = true
	case b.source == nil || b.source == en:
		b.source, b.sourceN = en, max(b.sourceN, n)
	default:
		b.mixed = true
	}
}

// screened reports whether x's encoder found its id absent from the ledger
// as it was when this batch began.
func (b *Batch) screened(x *Encoded) bool {
	return x.absentFrom != nil && x.absentFrom.seq == b.startSeq && x.absentFrom.hash == b.startHash
}

// LookupEncoded is Lookup of x's id; for an id its encoder found absent
// from the committed ledger, only this batch's appends are searched.
func (b *Batch) LookupEncoded(x *Encoded) (e *Entry, ok bool, err error) {
	screened := b.screened(x)
	if screened && x.first && b.trusts(x) && b.tx != nil {
		return nil, false, nil
	}
	return b.lookupIn(x.id, !screened)
}
