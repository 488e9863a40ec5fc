package ledger

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// Batch collects the appends of one Update or Prepare. Appends and state
// records are staged in memory and go into the file only when the batch is
// flushed, at the end of Update or in Commit: that is what lets a batch be
// checked and encoded under a read-only view and written later, holding
// the file only for the write itself. It is usable only inside the call
// that created it.
type Batch struct {
	l                          *Ledger
	tx                         *bolt.Tx
	journal, ids, meta, stateB *bolt.Bucket

	startSeq  uint64
	startHash [32]byte
	seq       uint64
	hash      [32]byte

	// staged holds, as value i, the stored value of entry startSeq+1+i
	// (its hash, then its encoding).
	staged *spool
	// state is the cached records PutState staged (nil value: delete).
	state map[string][]byte

	// The ids appended in this batch, in append order (order[i] is entry
	// startSeq+1+i). They go into the ids bucket only at commit, sorted:
	// bbolt inserts keys in order cheaply but random-order inserts into one
	// large node about a hundred times slower.
	order []pendingID
	// idText holds the ids' bytes, which order points into: copying them
	// here, rather than keeping the caller's strings, keeps order free of
	// pointers (nothing for the collector to scan) and does not keep alive
	// whatever larger strings the ids were cut from (an import's lines).
	idText []byte
	// reserveIDs is Reserve's count, until the first id shows how much
	// room idText needs; reserved is every Reserve's count, for encoders.
	reserveIDs, reserved int
	// While the ids come in ascending order (zero-padded numbers, dates,
	// ULIDs…), order itself is the index: a new id is past the last one
	// and an older one is found by binary search. The first id out of
	// order builds byHash (see idIndex).
	sorted bool
	byHash *idIndex
	// probe is the last id pendingSeq looked for in byHash and did not
	// find, with its tag and the free slot it found, so that adding it
	// next need not hash it and probe the (large, cold) table again.
	probe struct {
		id         string
		tag        uint32
		free, size int // size: len(byHash.slots) when free was found
		ok         bool
	}
	// lastMiss is the id the last Lookup did not find, so that Append of
	// that id (the usual "look up, then append" of an idempotent import)
	// need not search again.
	lastMiss    string
	hasLastMiss bool

	// arena holds the stored values: bbolt keeps references to them until
	// commit, and carving them from large chunks spares the garbage
	// collector a million small objects.
	arena   []byte
	scratch []byte // canonical encoding being hashed, reused
	key     []byte // id as a bbolt key, reused (bbolt copies keys)

	// hasState: PutState wrote cached records, so the batch is a change
	// even without appends.
	hasState bool

	// source is the encoder every append so far came from (see trusts);
	// mixed: not all appends came from one encoder of this batch.
	source  *Encoder
	sourceN uint64 // the highest Encoded.n appended from source
	mixed   bool
	// indexed is how many of order byHash holds: ids are indexed only
	// when one is looked up, which an import whose encoder vouches for
	// every id never does. scanned counts the ids pendingSeq compared
	// before there was an index.
	indexed, scanned int
	// checkedIDs is how many ids sortIDs found distinct.
	checkedIDs int
}

type pendingID struct {
	off, n int // the id is idText[off : off+n]
	seq    uint64
}

func (b *Batch) idOf(p pendingID) []byte { return b.idText[p.off : p.off+p.n] }

// cmpID compares a pending id with id; the conversions in comparisons
// allocate nothing.
func cmpID(a []byte, id string) int {
	switch {
	case string(a) < id:
		return -1
	case string(a) == id:
		return 0
	}
	return 1
}

// errBatchClosed is returned by a Batch used outside its Update.
var errBatchClosed = errors.New("ledger: batch used outside its Update")

// errNoChange rolls back an Update that appended nothing and set no state,
// so that such an Update leaves the file byte-identical.
var errNoChange = errors.New("no change")

// ErrMoved is Commit's refusal of a batch prepared against a head that is
// no longer the ledger's: another writer came in between.
var ErrMoved = errors.New("the ledger changed since the batch was prepared")

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
			b.staged.close()
		}
	}()
	err := guard(&inCallback, func() error {
		return l.db.Update(func(tx *bolt.Tx) error {
			var err error
			if b, fnErr, err = l.runBatch(tx, fn, &inCallback); err != nil {
				return err
			}
			if fnErr != nil {
				return fnErr
			}
			if b.empty() {
				return errNoChange
			}
			return b.flush()
		})
	})
	return l.updated(fnErr, err)
}

// updated is the error of an Update or Commit: fn's own unchanged,
// bbolt's classified.
func (l *Ledger) updated(fnErr, err error) error {
	switch {
	case fnErr != nil:
		return fnErr
	case err == nil, errors.Is(err, errNoChange):
		return nil
	case errors.Is(err, ErrDuplicateID):
		return err // a refusal, not a failed write
	}
	err = l.classify(err)
	var le *Error
	if !errors.As(err, &le) {
		// A commit that failed (disk full, …): nothing was written.
		err = newError(l.path, IO, err.Error())
	}
	return err
}

// Prepared is a batch checked and encoded under a read-only view, waiting
// for Commit.
type Prepared struct{ b *Batch }

// Head returns the sequence number and hash the ledger will have once the
// batch is committed.
func (p *Prepared) Head() (uint64, [32]byte) { return p.b.seq, p.b.hash }

// Prepare runs fn on a batch over a read-only transaction: fn sees the
// ledger as it stands and appends as in Update, but nothing is written
// and other readers are not kept waiting. fn's error is returned
// unchanged. Commit the result, through a ledger open for writing, to
// write it.
func (l *Ledger) Prepare(fn func(*Batch) error) (*Prepared, error) {
	var (
		b          *Batch
		fnErr      error
		inCallback bool
	)
	err := l.view(&inCallback, func(tx *bolt.Tx) error {
		var err error
		b, fnErr, err = l.runBatch(tx, fn, &inCallback)
		return err
	})
	if b != nil {
		b.tx = nil
	}
	if fnErr == nil && err == nil {
		// Sorting the new ids for the index is work the commit need not
		// do while it holds the file.
		err = b.sortIDs()
	}
	if err := cmp.Or(fnErr, err); err != nil {
		if b != nil {
			b.staged.close()
		}
		return nil, err
	}
	return &Prepared{b}, nil
}

// Commit writes a prepared batch in one transaction, if the ledger's head
// is still the one it was prepared against; otherwise it writes nothing
// and returns an error wrapping ErrMoved, and the caller checks its events
// again.
func (l *Ledger) Commit(p *Prepared) error {
	if l.readOnly {
		return newError(l.path, IO, "ledger is open read-only")
	}
	b := p.b
	if b.empty() {
		return nil
	}
	var moved error
	err := guard(nil, func() error {
		return l.db.Update(func(tx *bolt.Tx) error {
			seq, hash, err := l.readHead(tx)
			if err != nil {
				return err
			}
			if seq != b.startSeq || hash != b.startHash {
				moved = fmt.Errorf("%s: %w (head %d, prepared at %d)", l.path, ErrMoved, seq, b.startSeq)
				return moved
			}
			if err := b.attach(tx); err != nil {
				return err
			}
			defer func() { b.tx = nil }()
			return b.flush()
		})
	})
	b.staged.close() // written, or to be checked again from the start
	return l.updated(moved, err)
}

// runBatch runs fn on a new batch over tx, with *inCallback set while fn
// runs (a panic there is fn's own; see guard).
func (l *Ledger) runBatch(tx *bolt.Tx, fn func(*Batch) error, inCallback *bool) (b *Batch, fnErr, err error) {
	if b, err = l.newBatch(tx); err != nil {
		return nil, nil, err
	}
	*inCallback = true
	fnErr = fn(b)
	*inCallback = false
	return b, fnErr, nil
}

func (l *Ledger) newBatch(tx *bolt.Tx) (*Batch, error) {
	seq, hash, err := l.readHead(tx)
	if err != nil {
		return nil, err
	}
	if err := l.headIsLast(tx, seq, hash); err != nil {
		return nil, err
	}
	b := &Batch{l: l, startSeq: seq, startHash: hash, seq: seq, hash: hash, sorted: true, staged: newSpool(l.path)}
	return b, b.attach(tx)
}

// attach points the batch at a transaction's buckets.
func (b *Batch) attach(tx *bolt.Tx) error {
	j, ids, meta, st, err := b.l.buckets(tx)
	if err != nil {
		return err
	}
	// The journal is append-only: packing its pages full costs nothing
	// later and halves the space bbolt's default 0.5 would take.
	j.FillPercent = 1.0
	b.tx, b.journal, b.ids, b.meta, b.stateB = tx, j, ids, meta, st
	return nil
}

// headIsLast refuses to build on a head that is not the journal's last
// entry, by number and hash: a write does not verify the whole chain, but
// it must not chain new entries onto a damaged head, or after a gap where
// damage hid the last entries.
func (l *Ledger) headIsLast(tx *bolt.Tx, seq uint64, hash [32]byte) error {
	j, _, _, _, err := l.buckets(tx)
	if err != nil {
		return err
	}
	k, v := j.Cursor().Last()
	switch {
	case k == nil && seq == 0:
		return nil
	case k == nil || len(k) != 8 || binary.BigEndian.Uint64(k) != seq:
		return l.corrupt(fmt.Sprintf("the journal's last entry is not the head, entry %d (run debtledger verify)", seq))
	case len(v) < len(hash) || [32]byte(v[:32]) != hash:
		return l.corrupt(fmt.Sprintf("the head's hash is not entry %d's (run debtledger verify)", seq))
	}
	return nil
}

// empty: the batch appended nothing and staged no state.
func (b *Batch) empty() bool { return b.seq == b.startSeq && !b.hasState }

// Head returns the sequence number and hash of the last entry, including
// those appended in this batch.
func (b *Batch) Head() (uint64, [32]byte) { return b.seq, b.hash }

// Appended returns how many entries this batch has appended.
func (b *Batch) Appended() int { return int(b.seq - b.startSeq) }

// Lookup finds the entry with the given id, among those committed and those
// appended earlier in this batch.
func (b *Batch) Lookup(id string) (e *Entry, ok bool, err error) {
	return b.lookupIn(id, true)
}

// lookupIn is Lookup, among committed entries only if committed.
func (b *Batch) lookupIn(id string, committed bool) (e *Entry, ok bool, err error) {
	if b.tx == nil {
		return nil, false, errBatchClosed
	}
	err = b.l.classify(guard(nil, func() error {
		if seq, found := b.pendingSeq(id); found {
			e, err = b.stagedEntry(seq)
			ok = err == nil
			return err
		}
		if !committed {
			return nil
		}
		b.key = append(b.key[:0], id...)
		e, ok, err = b.l.lookup(b.tx, b.journal, b.ids, b.key)
		// Only a miss everywhere lets the Append that follows skip its check.
		b.lastMiss, b.hasLastMiss = id, err == nil && !ok
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
		if !b.hasLastMiss || b.lastMiss != e.ID {
			if err := b.checkNew(e.ID, true); err != nil {
				return err
			}
		}

		seq := b.seq + 1
		// Hash the previous hash and the canonical encoding as one buffer.
		b.scratch = append(b.scratch[:0], b.hash[:]...)
		b.scratch = c.appendCanonical(b.scratch, seq)
		hash := sha256.Sum256(b.scratch)

		val := b.staged.next(len(hash) + c.storedSize())
		copy(val, hash[:])
		c.putStored(val[len(hash):])

		e.Seq, e.Prev, e.Hash = seq, b.hash, hash
		b.seq, b.hash = seq, hash
		b.hasLastMiss = false
		b.addPending(e.ID, seq)
		b.appendedFrom(nil, 0)
		return nil
	}))
}

// checkNew refuses an id already in this batch or, if committed, in the
// ledger (an id its encoder found absent there need not be looked up).
func (b *Batch) checkNew(id string, committed bool) error {
	seq, dup := b.pendingSeq(id)
	if !dup && committed {
		b.key = append(b.key[:0], id...)
		if v := b.ids.Get(b.key); v != nil {
			if dup = true; len(v) == 8 {
				seq = binary.BigEndian.Uint64(v)
			}
		}
	}
	if dup {
		return fmt.Errorf("id %q is already in the ledger (entry %d): %w", id, seq, ErrDuplicateID)
	}
	return nil
}

// recentIDs is how many of the latest appends pendingSeq searches in
// order before it builds an index of them all.
var recentIDs = 1 << 14

// pendingSeq finds an id appended earlier in this batch.
func (b *Batch) pendingSeq(id string) (uint64, bool) {
	n := len(b.order)
	switch {
	case n == 0:
		return 0, false
	case b.sorted:
		if id > string(b.idOf(b.order[n-1])) {
			return 0, false
		}
		i, ok := slices.BinarySearchFunc(b.order, id, func(p pendingID, id string) int { return cmpID(b.idOf(p), id) })
		if ok {
			return b.order[i].seq, true
		}
		return 0, false
	}
	if b.indexed == 0 && b.scanned < 16*n {
		// Before indexing every id appended so far (a quarter of a second
		// for a million, on the goroutine that applies the rules), look
		// among the latest: the look-ups of an import are reversals, which
		// mostly name an entry of the same month. A compare in order costs
		// a fiftieth of indexing an id (which misses the cache): scans that
		// together compare sixteen times the ids the batch holds cost a
		// third of the index, and past that it is built.
		for i := n - 1; i >= max(n-recentIDs, 0); i-- {
			b.scanned++
			if string(b.idOf(b.order[i])) == id {
				return b.order[i].seq, true
			}
		}
	}
	for ; b.indexed < n; b.indexed++ {
		b.indexID(b.indexed)
	}
	tag := b.byHash.tagOf(id)
	i, found, free := b.byHash.find(tag, func(i int) bool { return string(b.idOf(b.order[i])) == id })
	if found {
		return b.order[i].seq, true
	}
	b.probe.id, b.probe.tag, b.probe.free, b.probe.size, b.probe.ok = id, tag, free, len(b.byHash.slots), true
	return 0, false
}

// Reserve makes room for n more appends: a large import that knows its
// line count spares the writer growing (and copying) its lists of staged
// entries and ids a dozen times over, and the heap their discarded
// copies.
func (b *Batch) Reserve(n int) {
	if n <= 0 {
		return
	}
	b.staged.reserve(n)
	b.order = slices.Grow(b.order, n)
	b.reserveIDs = n
	b.reserved += n
}

// addPending records a new id of this batch; it is not yet among them.
func (b *Batch) addPending(id string, seq uint64) {
	if b.reserveIDs > 0 {
		// Ids of one file are alike in length: the first stands for them.
		b.idText = slices.Grow(b.idText, b.reserveIDs*(len(id)+8))
		b.reserveIDs = 0
	}
	n := len(b.order)
	sortedSoFar := b.sorted && (n == 0 || id > string(b.idOf(b.order[n-1])))
	b.order = append(b.order, pendingID{off: len(b.idText), n: len(id), seq: seq})
	b.idText = append(b.idText, id...)
	switch {
	case sortedSoFar:
		return
	case b.sorted:
		b.sorted = false
		b.byHash = newIDIndex(2 * n)
	}
	// pendingSeq indexes it, and any before it, when it next looks.
}

// indexID puts order[i] into byHash; no id before it is the same.
func (b *Batch) indexID(i int) {
	id := b.idOf(b.order[i])
	tag, free := b.probe.tag, b.probe.free
	if !b.probe.ok || b.probe.id != string(id) || b.probe.size != len(b.byHash.slots) {
		tag = b.byHash.tagOf(string(id))
		_, _, free = b.byHash.find(tag, func(int) bool { return false })
	}
	b.probe.ok = false
	b.byHash.put(free, tag, i)
}

// stagedEntry decodes an entry appended in this batch.
func (b *Batch) stagedEntry(seq uint64) (*Entry, error) {
	i := int(seq - b.startSeq - 1)
	prev := b.startHash
	if i > 0 {
		v, err := b.staged.at(i - 1)
		if err != nil {
			return nil, err
		}
		copy(prev[:], v)
	}
	v, err := b.staged.at(i)
	if err != nil {
		return nil, err
	}
	return decodeEntry(seq, v, prev)
}

// flush writes the staged entries, the ids index, the state records and
// the head, just before commit.
func (b *Batch) flush() error {
	// What only the appends needed goes before bbolt's commit allocates
	// its pages, the peak of a write's memory: the encoder (and the ids
	// it saw), the ids' look-up index, and below, once put, the ids and
	// the places of the staged entries (70 MB for a million entries).
	b.source, b.byHash = nil, nil
	// Three buckets, filled at once (see inParallel). Only putIDs
	// carves from the arena.
	if err := inParallel(b.putJournal, b.putIDs, b.putState); err != nil {
		return err
	}
	if b.seq != b.startSeq {
		head := b.alloc(headSize)
		binary.BigEndian.PutUint64(head, b.seq)
		copy(head[8:], b.hash[:])
		if err := b.meta.Put(keyHead, head); err != nil {
			return err
		}
	}
	return nil
}

// putJournal writes the staged entries under their sequence keys.
func (b *Batch) putJournal() error {
	var key [8]byte
	err := b.staged.each(func(i int, val []byte) error {
		binary.BigEndian.PutUint64(key[:], b.startSeq+1+uint64(i))
		return b.journal.Put(key[:], val)
	})
	// bbolt holds the values themselves: the file's room on disk goes now,
	// not after bbolt has written as much again.
	b.staged.spans = nil
	b.staged.close()
	return err
}

// sortIDs puts the pending ids in key order, once no more are looked up:
// the look-up index by hash is dropped. Sorted, an id appended twice would
// sit next to itself: refused, as a last guard of idempotency (each append
// checked it, or its encoder vouched for it).
func (b *Batch) sortIDs() error {
	if !b.sorted {
		b.order = sortedIDs(b.order, func(x, y pendingID) int { return bytes.Compare(b.idOf(x), b.idOf(y)) })
		b.sorted, b.byHash, b.indexed = true, nil, 0
	}
	if b.checkedIDs == len(b.order) {
		return nil // checked when prepared; Commit need not scan again
	}
	for i := 1; i < len(b.order); i++ {
		if id := b.idOf(b.order[i]); bytes.Equal(id, b.idOf(b.order[i-1])) {
			return fmt.Errorf("ledger: id %q appended twice in one batch: %w", id, ErrDuplicateID)
		}
	}
	b.checkedIDs = len(b.order)
	return nil
}

// sortedIDs sorts ids by compare, a large list's two halves on two cores,
// then merged: the last step before a large import's commit that only
// one core did (a million ids: 0.19 s).
func sortedIDs(ids []pendingID, compare func(x, y pendingID) int) []pendingID {
	if len(ids) < 1<<14 || runtime.GOMAXPROCS(0) < 2 {
		slices.SortFunc(ids, compare)
		return ids
	}
	lo, hi := ids[:len(ids)/2], ids[len(ids)/2:]
	done := make(chan struct{})
	go func() {
		defer close(done)
		slices.SortFunc(lo, compare)
	}()
	slices.SortFunc(hi, compare)
	<-done
	merged := make([]pendingID, 0, len(ids))
	for len(lo) > 0 && len(hi) > 0 {
		if compare(hi[0], lo[0]) < 0 {
			merged, hi = append(merged, hi[0]), hi[1:]
		} else {
			merged, lo = append(merged, lo[0]), lo[1:]
		}
	}
	return append(append(merged, lo...), hi...)
}

// putIDs writes the pending ids into the ids index, in key order.
func (b *Batch) putIDs() error {
	if len(b.order) == 0 {
		return nil
	}
	if err := b.sortIDs(); err != nil {
		return err
	}
	b.ids.FillPercent = b.idsFill(b.idOf(b.order[0]))
	for _, p := range b.order {
		v := b.alloc(8)
		binary.BigEndian.PutUint64(v, p.seq)
		// bbolt copies keys, so the id's bytes can go in as they are.
		if err := b.ids.Put(b.idOf(p), v); err != nil {
			return err
		}
	}
	b.order, b.idText = nil, nil // bbolt copied the keys
	return nil
}

// idsFill chooses how full to pack the ids pages this commit touches. When
// every new id sorts after every stored one (a first import, or ids that
// grow), the new keys all land at the end of the tree and full pages are
// right; otherwise they land between existing keys, and bbolt's default
// half-full split leaves room for later inserts.
func (b *Batch) idsFill(smallest []byte) float64 {
	last, _ := b.ids.Cursor().Last()
	if last == nil || bytes.Compare(last, smallest) < 0 {
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
