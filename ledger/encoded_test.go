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
		e, ok, err := b.LookupEncoded(&committed)
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, uint64(2), e.Seq)
		_, _, err = b.AppendEncoded(&committed)
		assert.ErrorIs(t, err, ErrDuplicateID)

		fresh := encode(4)
		require.True(t, b.screened(&fresh))
		_, ok, err = b.LookupEncoded(&fresh)
		require.NoError(t, err)
		assert.False(t, ok)
		seq, _, err := b.AppendEncoded(&fresh)
		require.NoError(t, err)
		assert.Equal(t, uint64(4), seq)

		again := encode(4)
		require.True(t, b.screened(&again), "the encoder does not see the batch's appends")
		e, ok, err = b.LookupEncoded(&again)
		require.NoError(t, err)
		require.True(t, ok, "found among the batch's appends")
		assert.Equal(t, uint64(4), e.Seq)
		_, _, err = b.AppendEncoded(&again)
		assert.ErrorIs(t, err, ErrDuplicateID)

		kept = encode(5)
		return rollback
	}), rollback)

	appendEntries(t, l, 4, 2) // entry 5 is now committed
	require.ErrorIs(t, l.Update(func(b *Batch) error {
		assert.False(t, b.screened(&kept), "screened against another head")
		e, ok, err := b.LookupEncoded(&kept)
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, uint64(5), e.Seq)
		_, _, err = b.AppendEncoded(&kept)
		assert.ErrorIs(t, err, ErrDuplicateID)
		return rollback
	}), rollback)
	require.NoError(t, l.Verify(nil))
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
