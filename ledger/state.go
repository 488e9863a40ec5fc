package ledger

import (
	"bytes"
	"encoding/binary"
	"sort"

	bolt "go.etcd.io/bbolt"
)

// The derived state cached beside the journal is a set of named records,
// opaque here, written by the batch that moved them and stamped with the
// head sequence number they were computed at. A reader that finds the
// stamp behind the head knows the cache is stale and replays instead.

var statePrefix = []byte("r/")

func stateKey(name string) []byte { return append(append([]byte(nil), statePrefix...), name...) }

// PutState stages records (a nil value deletes one), to be written with
// the batch and stamped with its head. Call it after the batch's last
// Append. The batch keeps the records as they are.
func (b *Batch) PutState(records map[string][]byte) error {
	if b.tx == nil {
		return errBatchClosed
	}
	if b.state == nil {
		b.state = make(map[string][]byte, len(records))
	}
	for n, v := range records {
		b.state[n] = v
	}
	b.hasState = true
	return nil
}

// putState writes the staged records and the cache's stamp.
func (b *Batch) putState() error {
	if !b.hasState {
		return nil
	}
	names := make([]string, 0, len(b.state))
	for n := range b.state {
		names = append(names, n)
	}
	// bbolt inserts keys in order cheaply.
	sort.Strings(names)
	for _, n := range names {
		var err error
		if v := b.state[n]; v == nil {
			err = b.stateB.Delete(stateKey(n))
		} else {
			err = b.stateB.Put(stateKey(n), v)
		}
		if err != nil {
			return err
		}
	}
	return b.stateB.Put(keyStateSeq, binary.BigEndian.AppendUint64(nil, b.seq))
}

// StateRecord reads a record as this batch sees it (staged ones first),
// and the cache's stamp. It runs inside the batch's callback, where a
// panic is the caller's own (see guard); a damaged page met here is the
// file's, so it has a guard of its own.
func (b *Batch) StateRecord(name string) (rec []byte, seq uint64, err error) {
	if v, ok := b.state[name]; ok {
		return v, b.seq, nil
	}
	err = b.l.classify(guard(nil, func() error {
		rec, seq, err = b.l.stateRecord(b.tx, b.stateB, name)
		return err
	}))
	return rec, seq, err
}

// StateRecord reads a cached record (nil if absent) and the head sequence
// number the cache was computed at. The bytes are a copy.
func (l *Ledger) StateRecord(name string) (rec []byte, seq uint64, err error) {
	err = l.view(nil, func(tx *bolt.Tx) error {
		_, _, _, st, err := l.buckets(tx)
		if err != nil {
			return err
		}
		rec, seq, err = l.stateRecord(tx, st, name)
		return err
	})
	return rec, seq, err
}

func (l *Ledger) stateRecord(tx *bolt.Tx, st *bolt.Bucket, name string) ([]byte, uint64, error) {
	var seq uint64
	v, err := l.get(tx, st, bucketState, keyStateSeq)
	if err != nil {
		return nil, 0, err
	}
	if len(v) == 8 {
		seq = binary.BigEndian.Uint64(v)
	}
	if v, err = l.get(tx, st, bucketState, stateKey(name)); err != nil {
		return nil, 0, err
	}
	if v == nil {
		return nil, seq, nil
	}
	rec := append([]byte{}, v...)
	releaseMapped(tx, v)
	return rec, seq, nil
}

// StateRecordList reads the named cached records (nil for one absent) in
// one read transaction, and the cache's stamp. A query that needs a few
// thousand records pays for one transaction, not one each.
func (l *Ledger) StateRecordList(names []string) (recs [][]byte, seq uint64, err error) {
	err = l.view(nil, func(tx *bolt.Tx) error {
		_, _, _, st, err := l.buckets(tx)
		if err != nil {
			return err
		}
		recs = make([][]byte, len(names))
		for i, n := range names {
			if recs[i], seq, err = l.stateRecord(tx, st, n); err != nil {
				return err
			}
		}
		return nil
	})
	return recs, seq, err
}

// StateRecords calls fn for every cached record in name order, with the
// cache's stamp.
func (l *Ledger) StateRecords(fn func(name string, rec []byte, seq uint64) error) error {
	inCallback := false
	return l.view(&inCallback, func(tx *bolt.Tx) error {
		_, _, _, st, err := l.buckets(tx)
		if err != nil {
			return err
		}
		if err := l.paths.whole(tx, bucketState); err != nil {
			return l.corrupt(err.Error())
		}
		var seq uint64
		if v := st.Get(keyStateSeq); len(v) == 8 {
			seq = binary.BigEndian.Uint64(v)
		}
		c := st.Cursor()
		for k, v := c.Seek(statePrefix); k != nil && bytes.HasPrefix(k, statePrefix); k, v = c.Next() {
			// Copied before fn runs: a fault reading a damaged page is
			// the file's, not fn's.
			name, rec := string(k[len(statePrefix):]), append([]byte{}, v...)
			releaseMapped(tx, v)
			inCallback = true
			err := fn(name, rec, seq)
			inCallback = false
			if err != nil {
				return err
			}
		}
		return nil
	})
}
