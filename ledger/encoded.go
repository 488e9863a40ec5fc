package ledger

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"strconv"
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
}

// ID is the entry's id.
func (x *Encoded) ID() string { return x.id }

// Valid reports whether x came from Encode (the zero Encoded did not).
func (x *Encoded) Valid() bool { return x.val != nil }

// Encoder encodes entries into large chunks of its own, which the
// collector sees as a few objects rather than millions.
type Encoder struct {
	vals, canon []byte
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
		if !b.hasLastMiss || b.lastMiss != x.id {
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
