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
	l   *Ledger
	tx  *bolt.Tx
	ids *bolt.Bucket
	at  *head
	key []byte
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
	en := &Encoder{l: b.l, tx: tx, at: &head{b.startSeq, b.startHash}}
	if en.ids = tx.Bucket(bucketIDs); en.ids == nil {
		tx.Rollback()
		return nil, b.l.corrupt(fmt.Sprintf("no %q bucket (not a debtledger file?)", bucketIDs))
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
	var found bool
	err := en.l.classify(guard(nil, func() error {
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
	return x, nil
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
		if b.screened(x) {
			if seq, dup := b.pendingSeq(x.id); dup {
				return fmt.Errorf("id %q is already in the ledger (entry %d): %w", x.id, seq, ErrDuplicateID)
			}
		} else if !b.hasLastMiss || b.lastMiss != x.id {
			if err := b.checkNew(x.id); err != nil {
				return err
			}
		}
		seq = b.seq + 1
		b.scratch = append(b.scratch[:0], b.hash[:]...)
		b.scratch = append(b.scratch, x.before...)
		b.scratch = strconv.AppendUint(b.scratch, seq, 10)
		b.scratch = append(b.scratch, x.after...)
		hash = sha256.Sum256(b.scratch)
		copy(x.val, hash[:])
		b.staged = append(b.staged, x.val)
		b.seq, b.hash = seq, hash
		b.hasLastMiss = false
		b.addPending(x.id, seq)
		return nil
	}))
	return seq, hash, err
}

// screened reports whether x's encoder found its id absent from the ledger
// as it was when this batch began.
func (b *Batch) screened(x *Encoded) bool {
	return x.absentFrom != nil && x.absentFrom.seq == b.startSeq && x.absentFrom.hash == b.startHash
}

// LookupEncoded is Lookup of x's id; for an id its encoder found absent
// from the committed ledger, only this batch's appends are searched.
func (b *Batch) LookupEncoded(x *Encoded) (e *Entry, ok bool, err error) {
	if !b.screened(x) {
		return b.Lookup(x.id)
	}
	if b.tx == nil {
		return nil, false, errBatchClosed
	}
	err = b.l.classify(guard(nil, func() error {
		if seq, found := b.pendingSeq(x.id); found {
			e, err = b.stagedEntry(seq)
			ok = err == nil
			return err
		}
		b.lastMiss, b.hasLastMiss = x.id, true
		return nil
	}))
	return e, ok, err
}
