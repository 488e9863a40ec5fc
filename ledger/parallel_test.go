package ledger

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCommitFillsEveryBucketAtOnce: a commit writes the journal, the ids
// index and the state records from goroutines of their own (inParallel).
// Enough of each that bbolt splits pages, ids and records that land
// between stored keys, and deletes: the file must read back exactly. CI
// runs this under the race detector.
func TestCommitFillsEveryBucketAtOnce(t *testing.T) {
	l := newLedger(t)
	// Stored ids and records with gaps, for the next commit to land between.
	require.NoError(t, l.Update(func(b *Batch) error {
		for i := 0; i < 3000; i += 2 {
			if err := b.Append(testEntry(i)); err != nil {
				return err
			}
		}
		recs := map[string][]byte{}
		for i := 0; i < 2000; i += 2 {
			recs[fmt.Sprintf("u/%05d", i)] = []byte(fmt.Sprintf("old %d", i))
		}
		return b.PutState(recs)
	}))
	p, err := l.Prepare(func(b *Batch) error {
		for i := 1; i < 3000; i += 2 {
			if err := b.Append(testEntry(i)); err != nil {
				return err
			}
		}
		recs := map[string][]byte{}
		for i := 0; i < 2000; i++ {
			switch {
			case i%4 == 0:
				recs[fmt.Sprintf("u/%05d", i)] = nil // delete
			default:
				recs[fmt.Sprintf("u/%05d", i)] = []byte(fmt.Sprintf("new %d", i))
			}
		}
		return b.PutState(recs)
	})
	require.NoError(t, err)
	require.NoError(t, l.Commit(p))

	require.NoError(t, l.Verify(nil))
	for i := 0; i < 3000; i++ {
		e, ok, err := l.Lookup(testEntry(i).ID)
		require.NoError(t, err)
		require.True(t, ok, "id %d", i)
		want := uint64(i/2 + 1)
		if i%2 == 1 {
			want = uint64(1500 + i/2 + 1)
		}
		assert.Equal(t, want, e.Seq, "id %d", i)
	}
	for i := 0; i < 2000; i++ {
		rec, _, err := l.StateRecord(fmt.Sprintf("u/%05d", i))
		require.NoError(t, err)
		if i%4 == 0 {
			assert.Nil(t, rec, "record %d was deleted", i)
		} else {
			assert.Equal(t, fmt.Sprintf("new %d", i), string(rec))
		}
	}
}

// TestInParallelReturnsFirstErrorAndFaults: every fn runs to its end, the
// first error in argument order is returned, and a panic in a helper
// goroutine is a *damageError, not a crash.
func TestInParallelReturnsFirstErrorAndFaults(t *testing.T) {
	ran := make([]bool, 3)
	errA := errors.New("a")
	err := inParallel(
		func() error { ran[0] = true; return nil },
		func() error { ran[1] = true; return errA },
		func() error { ran[2] = true; panic("damaged page") },
	)
	assert.Equal(t, []bool{true, true, true}, ran)
	assert.ErrorIs(t, err, errA)

	err = inParallel(func() error { return nil }, func() error { panic("damaged page") })
	var d *damageError
	require.ErrorAs(t, err, &d)
	assert.Contains(t, err.Error(), "damaged page")
}
