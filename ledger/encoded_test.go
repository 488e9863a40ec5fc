package ledger

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBatchEncoder: ids a batch's encoder found absent are looked up only
// among the batch's own appends, yet a duplicate is still refused and
// found, whether committed, appended earlier in the batch, or committed
// after the encoder looked.
func TestBatchEncoder(t *testing.T) {
	l := newLedger(t)
	appendEntries(t, l, 1, 3)
	var kept Encoded // encoded against the ledger of 3 entries
	rollback := errors.New("roll back")
	require.ErrorIs(t, l.Update(func(b *Batch) error {
		en, err := b.NewEncoder()
		require.NoError(t, err)
		defer en.Close()
		encode := func(i int) Encoded {
			x, err := en.Encode(testEntry(i))
			require.NoError(t, err)
			return x
		}

		committed := encode(2)
		assert.False(t, b.screened(&committed), "a committed id is not absent")
		requireDuplicateOf(t, b, &committed, 2)

		fresh := encode(4)
		require.True(t, b.screened(&fresh))
		_, ok, err := b.LookupEncoded(&fresh)
		require.NoError(t, err)
		assert.False(t, ok)
		seq, _, err := b.AppendEncoded(&fresh)
		require.NoError(t, err)
		assert.Equal(t, uint64(4), seq)

		again := encode(4)
		require.True(t, b.screened(&again), "the encoder does not see the batch's appends")
		requireDuplicateOf(t, b, &again, 4)

		kept = encode(5)
		return rollback
	}), rollback)

	appendEntries(t, l, 4, 2) // entry 5 is now committed
	require.ErrorIs(t, l.Update(func(b *Batch) error {
		assert.False(t, b.screened(&kept), "screened against another head")
		requireDuplicateOf(t, b, &kept, 5)
		return rollback
	}), rollback)
	require.NoError(t, l.Verify(nil))
}

// requireDuplicateOf: x's id is entry seq, found by LookupEncoded, and its
// append is refused.
func requireDuplicateOf(t *testing.T, b *Batch, x *Encoded, seq uint64) {
	t.Helper()
	e, ok, err := b.LookupEncoded(x)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, seq, e.Seq)
	_, _, err = b.AppendEncoded(x)
	assert.ErrorIs(t, err, ErrDuplicateID)
}

// TestEncoderClosed: a closed encoder still encodes, without the look-up.
func TestEncoderClosed(t *testing.T) {
	l := newLedger(t)
	require.NoError(t, l.Update(func(b *Batch) error {
		en, err := b.NewEncoder()
		require.NoError(t, err)
		en.Close()
		x, err := en.Encode(testEntry(1))
		require.NoError(t, err)
		assert.False(t, b.screened(&x))
		_, _, err = b.AppendEncoded(&x)
		return err
	}))
	_, ok, err := l.Lookup(testEntry(1).ID)
	require.NoError(t, err)
	assert.True(t, ok)
}

// TestEncoderVouches: what a batch's encoder marks (an id new to it, the
// entry's hash at the sequence number it anticipates) is trusted only while
// every append came from that encoder, and the hash only when the chain is
// the batch's own; otherwise the batch checks and hashes itself. Every
// case ends in a ledger that verifies.
func TestEncoderVouches(t *testing.T) {
	rollback := errors.New("roll back")
	type step struct {
		encoder int // 0: plain Append; 1, 2: that encoder of the batch
		entry   int
		skip    bool // encode but do not append (as a duplicate would be)
		dup     bool // the append is refused as a duplicate
	}
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"one encoder, all appended", []step{{1, 5, false, false}, {1, 3, false, false}, {1, 9, false, false}, {1, 4, false, false}}},
		{"one skipped: later hashes recomputed", []step{{1, 5, false, false}, {1, 3, true, false}, {1, 9, false, false}, {1, 4, false, false}}},
		{"the same id twice in the file", []step{{1, 5, false, false}, {1, 3, false, false}, {1, 5, false, true}, {1, 4, false, false}}},
		{"a plain append first", []step{{0, 5, false, false}, {1, 5, false, true}, {1, 3, false, false}}},
		{"a plain append between", []step{{1, 3, false, false}, {0, 5, false, false}, {1, 5, false, true}, {1, 4, false, false}}},
		{"two encoders", []step{{1, 3, false, false}, {2, 5, false, false}, {1, 5, false, true}, {2, 3, false, true}, {1, 4, false, false}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLedger(t)
			appendEntries(t, l, 1, 2)
			require.NoError(t, l.Update(func(b *Batch) error {
				encoders := map[int]*Encoder{}
				for i := 1; i <= 2; i++ {
					en, err := b.NewEncoder()
					require.NoError(t, err)
					defer en.Close()
					encoders[i] = en
				}
				for k, s := range tc.steps {
					var err error
					if s.encoder == 0 {
						if s.skip {
							continue
						}
						err = b.Append(testEntry(s.entry))
					} else {
						x, encErr := encoders[s.encoder].Encode(testEntry(s.entry))
						require.NoError(t, encErr)
						if s.skip {
							continue
						}
						if _, found, lookErr := b.LookupEncoded(&x); assert.NoError(t, lookErr) {
							assert.Equal(t, s.dup, found, "step %d: found by LookupEncoded", k)
						}
						_, _, err = b.AppendEncoded(&x)
					}
					if s.dup {
						assert.ErrorIs(t, err, ErrDuplicateID, "step %d", k)
					} else {
						assert.NoError(t, err, "step %d", k)
					}
				}
				return nil
			}))
			require.NoError(t, l.Verify(nil))
		})
	}

	// An encoder's marks mean nothing to another batch.
	l := newLedger(t)
	var kept Encoded
	require.ErrorIs(t, l.Update(func(b *Batch) error {
		kept = encodeOne(t, b, testEntry(1))
		return rollback
	}), rollback)
	require.NoError(t, l.Update(func(b *Batch) error {
		require.NoError(t, b.Append(testEntry(1)))
		assert.False(t, b.trusts(&kept))
		_, found, err := b.LookupEncoded(&kept)
		require.NoError(t, err)
		assert.True(t, found)
		_, _, err = b.AppendEncoded(&kept)
		assert.ErrorIs(t, err, ErrDuplicateID)
		return nil
	}))
	require.NoError(t, l.Verify(nil))
}

// TestSortIDsRefusesTwice: the last guard, if an id ever got into a batch
// twice.
func TestSortIDsRefusesTwice(t *testing.T) {
	b := &Batch{sorted: true}
	for i, id := range []string{"b", "a", "c"} {
		b.addPending(id, uint64(i+1))
	}
	require.NoError(t, b.sortIDs())
	b.sorted = false
	b.addPending("b", 4)
	assert.ErrorIs(t, b.sortIDs(), ErrDuplicateID)
}

// TestEncodedReused: an Encoded appended again, out of the order encoded,
// or in another batch after its hash was recomputed, is checked and hashed
// in full (found by review: the anticipated hash was once reused stale).
func TestEncodedReused(t *testing.T) {
	rollback := errors.New("roll back")
	l := newLedger(t)
	appendEntries(t, l, 1, 2)
	var kept Encoded
	require.ErrorIs(t, l.Update(func(b *Batch) error {
		kept = encodeOne(t, b, testEntry(3))
		require.NoError(t, b.Append(testEntry(4))) // kept lands one later than anticipated
		_, _, err := b.AppendEncoded(&kept)
		require.NoError(t, err)
		return rollback
	}), rollback)
	require.NoError(t, l.Update(func(b *Batch) error {
		_, _, err := b.AppendEncoded(&kept) // at the seq and prev it anticipated
		return err
	}))
	require.NoError(t, l.Verify(nil), "the hash stored is the entry's own")

	require.ErrorIs(t, l.Update(func(b *Batch) error {
		en, err := b.NewEncoder()
		require.NoError(t, err)
		defer en.Close()
		x, err := en.Encode(testEntry(7))
		require.NoError(t, err)
		_, _, err = b.AppendEncoded(&x)
		require.NoError(t, err)
		_, _, err = b.AppendEncoded(&x)
		assert.ErrorIs(t, err, ErrDuplicateID, "the same Encoded twice")

		x1, err := en.Encode(testEntry(8))
		require.NoError(t, err)
		x2, err := en.Encode(testEntry(8))
		require.NoError(t, err)
		_, _, err = b.AppendEncoded(&x2)
		require.NoError(t, err)
		_, found, err := b.LookupEncoded(&x1)
		require.NoError(t, err)
		assert.True(t, found, "encoded earlier, appended later: looked up in full")
		_, _, err = b.AppendEncoded(&x1)
		assert.ErrorIs(t, err, ErrDuplicateID)
		return rollback
	}), rollback)
	require.NoError(t, l.Verify(nil))
}

// encodeOne encodes e with an encoder of b of its own, closed after.
func encodeOne(t *testing.T, b *Batch, e *Entry) Encoded {
	t.Helper()
	en, err := b.NewEncoder()
	require.NoError(t, err)
	defer en.Close()
	x, err := en.Encode(e)
	require.NoError(t, err)
	return x
}

// TestEncoderIntoEmptyLedger: an encoder over a ledger without entries
// finds every id absent without looking (noIDs); ids repeated within the
// batch are still seen.
func TestEncoderIntoEmptyLedger(t *testing.T) {
	for _, entries := range []int{0, 1} {
		l := newLedger(t)
		if entries > 0 {
			appendEntries(t, l, 1, entries)
		}
		require.NoError(t, l.Update(func(b *Batch) error {
			b.Reserve(5000) // sizes the encoder's set of ids seen
			en, err := b.NewEncoder()
			require.NoError(t, err)
			defer en.Close()
			assert.Equal(t, entries == 0, en.noIDs)
			assert.GreaterOrEqual(t, len(en.seen.slots), 10000)
			x, err := en.Encode(testEntry(7))
			require.NoError(t, err)
			assert.True(t, b.screened(&x))
			assert.True(t, x.first)
			again, err := en.Encode(testEntry(7))
			require.NoError(t, err)
			assert.False(t, again.first, "seen earlier in the batch")
			if entries > 0 {
				old, err := en.Encode(testEntry(1))
				require.NoError(t, err)
				assert.False(t, b.screened(&old), "committed: not absent")
			}
			return nil
		}))
	}
}
