package ledger

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// Batch collects the appends of one Update. It is valid only inside the
// Update call that created it.
type Batch struct {
	l                          *Ledger
	tx                         *bolt.Tx
	journal, ids, meta, stateB *bolt.Bucket

	startSeq uint64
	seq      uint64
	hash     [32]byte

	// The ids appended in this batch. They go into the ids bucket only at
	// commit, sorted: bbolt inserts keys in order cheaply but random-order
	// inserts into one large node about a hundred times slower.
	pending map[string]uint64
	order   []pendingID
	sorted  bool // order is already ascending, no sort needed

	// arena holds the stored values: bbolt keeps references to them until
	// commit, and carving them from large chunks spares the garbage
	// collector a million small objects.
	arena   []byte
	scratch []byte // canonical encoding being hashed, reused
	key     []byte // id as a bbolt key, reused

	state    []byte
	hasState bool
}

type pendingID struct {
	id  string
	seq uint64
}

// errBatchClosed is returned by a Batch used outside its Update.
var errBatchClosed = errors.New("ledger: batch used outside its Update")

// errNoChange rolls back an Update that appended nothing and set no state,
// so that such an Update leaves the file byte-identical.
var errNoChange = errors.New("no change")

// Update runs fn in one read-write transaction. If fn returns an error,
// nothing is written and that error is returned unchanged. A panic in fn
// also writes nothing and is re-raised.
func (l *Ledger) Update(fn func(*Batch) error) error {
	if l.readOnly {
		return newError(l.path, IO, "ledger is open read-only")
	}
	var (
		b          *Batch
		fnErr      error
		inCallback bool
	)
	defer func() {
		if b != nil {
			b.tx = nil
		}
	}()
	err := guard(&inCallback, func() error {
		return l.db.Update(func(tx *bolt.Tx) error {
			var err error
			if b, err = l.newBatch(tx); err != nil {
				return err
			}
			inCallback = true
			fnErr = fn(b)
			inCallback = false
			if fnErr != nil {
				return fnErr
			}
			if b.seq == b.startSeq && !b.hasState {
				return errNoChange
			}
			return b.flush()
		})
	})
	switch {
	case fnErr != nil:
		return fnErr
	case err == nil, errors.Is(err, errNoChange):
		return nil
	}
	err = l.classify(err)
	var le *Error
	if !errors.As(err, &le) {
		// A commit that failed (disk full, …): nothing was written.
		err = newError(l.path, IO, err.Error())
	}
	return err
}

func (l *Ledger) newBatch(tx *bolt.Tx) (*Batch, error) {
	j, ids, meta, st, err := l.buckets(tx)
	if err != nil {
		return nil, err
	}
	seq, hash, err := l.readHead(tx)
	if err != nil {
		return nil, err
	}
	// The journal is append-only: packing its pages full costs nothing
	// later and saves a third of the space bbolt's default 0.5 would.
	j.FillPercent = 1.0
	return &Batch{
		l: l, tx: tx, journal: j, ids: ids, meta: meta, stateB: st,
		startSeq: seq, seq: seq, hash: hash, sorted: true,
	}, nil
}

// Head returns the sequence number and hash of the last entry, including
// those appended in this batch.
func (b *Batch) Head() (uint64, [32]byte) { return b.seq, b.hash }

// Appended returns how many entries this batch has appended.
func (b *Batch) Appended() int { return int(b.seq - b.startSeq) }

// SetState stores blob, with the head seq, when the batch commits. The
// batch keeps blob itself (it may be large): do not modify it until Update
// returns.
func (b *Batch) SetState(blob []byte) {
	b.state, b.hasState = blob, true
}

// Lookup finds the entry with the given id, among those committed and those
// appended earlier in this batch.
func (b *Batch) Lookup(id string) (e *Entry, ok bool, err error) {
	if b.tx == nil {
		return nil, false, errBatchClosed
	}
	err = b.l.classify(guard(nil, func() error {
		if seq, found := b.pending[id]; found {
			e, err = b.l.readEntry(b.journal, seq)
			ok = err == nil
			return err
		}
		b.key = append(b.key[:0], id...)
		e, ok, err = b.l.lookup(b.journal, b.ids, b.key)
		return err
	}))
	return e, ok, err
}

// Append adds e as the next entry: it sets e.Seq, e.Prev and e.Hash; the
// caller fills in the rest. An id already in the ledger or in this batch is
// refused (an error wrapping ErrDuplicateID), as are an empty id, text that
// is not UTF-8 and a Body that is not one JSON object. A refused entry
// changes nothing; the caller may go on or return the error.
func (b *Batch) Append(e *Entry) error {
	if b.tx == nil {
		return errBatchClosed
	}
	if e == nil {
		return errors.New("ledger: append of a nil entry")
	}
	c := e.content()
	if err := c.check(); err != nil {
		return fmt.Errorf("entry %q: %w", e.ID, err)
	}
	return b.l.classify(guard(nil, func() error {
		if seq, dup := b.pending[e.ID]; dup {
			return fmt.Errorf("id %q is already in the ledger (entry %d): %w", e.ID, seq, ErrDuplicateID)
		}
		b.key = append(b.key[:0], e.ID...)
		if v := b.ids.Get(b.key); v != nil {
			seq := uint64(0)
			if len(v) == 8 {
				seq = binary.BigEndian.Uint64(v)
			}
			return fmt.Errorf("id %q is already in the ledger (entry %d): %w", e.ID, seq, ErrDuplicateID)
		}

		seq := b.seq + 1
		// Hash the previous hash and the canonical encoding as one buffer.
		b.scratch = append(b.scratch[:0], b.hash[:]...)
		b.scratch = c.appendCanonical(b.scratch, seq)
		hash := sha256.Sum256(b.scratch)

		val := b.alloc(len(hash) + c.storedSize())
		copy(val, hash[:])
		c.putStored(val[len(hash):])
		if err := b.journal.Put(seqKey(seq), val); err != nil {
			return err
		}

		e.Seq, e.Prev, e.Hash = seq, b.hash, hash
		b.seq, b.hash = seq, hash
		if b.pending == nil {
			b.pending = make(map[string]uint64)
		}
		b.pending[e.ID] = seq
		if n := len(b.order); n > 0 && e.ID < b.order[n-1].id {
			b.sorted = false
		}
		b.order = append(b.order, pendingID{e.ID, seq})
		return nil
	}))
}

// flush writes the ids index, the head and the state just before commit.
func (b *Batch) flush() error {
	if len(b.order) > 0 {
		if !b.sorted {
			slices.SortFunc(b.order, func(x, y pendingID) int { return strings.Compare(x.id, y.id) })
		}
		b.ids.FillPercent = b.idsFill(b.order[0].id)
		for _, p := range b.order {
			v := b.alloc(8)
			binary.BigEndian.PutUint64(v, p.seq)
			b.key = append(b.key[:0], p.id...)
			if err := b.ids.Put(b.key, v); err != nil {
				return err
			}
		}
	}
	if b.seq != b.startSeq {
		head := b.alloc(headSize)
		binary.BigEndian.PutUint64(head, b.seq)
		copy(head[8:], b.hash[:])
		if err := b.meta.Put(keyHead, head); err != nil {
			return err
		}
	}
	if b.hasState {
		if err := b.stateB.Put(keyStateBlob, b.state); err != nil {
			return err
		}
		if err := b.stateB.Put(keyStateSeq, binary.BigEndian.AppendUint64(nil, b.seq)); err != nil {
			return err
		}
	}
	return nil
}

// idsFill chooses how full to pack the ids pages this commit touches. When
// every new id sorts after every stored one (a first import, or ids that
// grow), the new keys all land at the end of the tree and full pages are
// right; otherwise they land between existing keys, and bbolt's default
// half-full split leaves room for later inserts.
func (b *Batch) idsFill(smallest string) float64 {
	last, _ := b.ids.Cursor().Last()
	if last == nil || string(last) < smallest {
		return 1.0
	}
	return bolt.DefaultFillPercent
}

// alloc returns n bytes that stay valid (and unmoved) until the batch ends.
func (b *Batch) alloc(n int) []byte {
	const minChunk, maxChunk = 4 << 10, 1 << 20
	if cap(b.arena)-len(b.arena) < n {
		size := min(max(2*cap(b.arena), minChunk), maxChunk)
		b.arena = make([]byte, 0, max(size, n))
	}
	start := len(b.arena)
	b.arena = b.arena[:start+n]
	return b.arena[start : start+n : start+n]
}
