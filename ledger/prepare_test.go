package ledger

import (
	"errors"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// prepareEntries prepares appends of entries from..from+n-1 (and a state
// record) on l.
func prepareEntries(t *testing.T, l *Ledger, from, n int) *Prepared {
	t.Helper()
	p, err := l.Prepare(func(b *Batch) error {
		for i := from; i < from+n; i++ {
			if err := b.Append(testEntry(i)); err != nil {
				return err
			}
		}
		return b.PutState(map[string][]byte{"core": []byte("prepared")})
	})
	require.NoError(t, err)
	return p
}

func TestPrepareThenCommit(t *testing.T) {
	l := newLedger(t)
	appendEntries(t, l, 1, 3)
	require.NoError(t, l.Close())
	before, err := os.ReadFile(l.Path())
	require.NoError(t, err)

	ro, err := Open(l.Path(), Options{ReadOnly: true})
	require.NoError(t, err)
	p := prepareEntries(t, ro, 4, 5)
	require.NoError(t, ro.Close())
	after, err := os.ReadFile(l.Path())
	require.NoError(t, err)
	assert.Equal(t, before, after, "Prepare wrote to the file")

	w, err := Open(l.Path(), Options{})
	require.NoError(t, err)
	defer w.Close()
	require.NoError(t, w.Commit(p))
	seq, hash, err := w.Head()
	require.NoError(t, err)
	wantSeq, wantHash := p.Head()
	assert.Equal(t, uint64(8), seq)
	assert.Equal(t, wantSeq, seq)
	assert.Equal(t, wantHash, hash)
	require.NoError(t, w.Verify(nil))
	e, ok, err := w.Lookup("e-000006")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, uint64(6), e.Seq)
	rec, stamp, err := w.StateRecord("core")
	require.NoError(t, err)
	assert.Equal(t, "prepared", string(rec))
	assert.Equal(t, uint64(8), stamp)
}

func TestCommitRefusesMovedHead(t *testing.T) {
	l := newLedger(t)
	appendEntries(t, l, 1, 2)
	p := prepareEntries(t, l, 3, 2)
	appendEntries(t, l, 10, 1) // another writer comes in between
	err := l.Commit(p)
	require.ErrorIs(t, err, ErrMoved)
	seq, _, err := l.Head()
	require.NoError(t, err)
	assert.Equal(t, uint64(3), seq, "a refused commit wrote something")
	_, ok, err := l.Lookup("e-000003")
	require.NoError(t, err)
	assert.False(t, ok)
}

func TestPrepareSeesItsOwnAppends(t *testing.T) {
	l := newLedger(t)
	committed := appendEntries(t, l, 1, 2)
	want := errors.New("refused")
	_, err := l.Prepare(func(b *Batch) error {
		e := testEntry(3)
		require.NoError(t, b.Append(e))
		require.NoError(t, b.Append(testEntry(4)))
		for id, seq := range map[string]uint64{"e-000001": 1, "e-000003": 3, "e-000004": 4} {
			got, ok, err := b.Lookup(id)
			require.NoError(t, err)
			require.True(t, ok, id)
			assert.Equal(t, seq, got.Seq)
		}
		got, _, err := b.Lookup("e-000003")
		require.NoError(t, err)
		assert.Equal(t, committed[1].Hash, got.Prev, "first staged entry chains to the head")
		assert.Equal(t, e.Hash, got.Hash)
		require.ErrorIs(t, b.Append(testEntry(2)), ErrDuplicateID)
		require.NoError(t, b.PutState(map[string][]byte{"s": []byte("x")}))
		rec, _, err := b.StateRecord("s")
		require.NoError(t, err)
		assert.Equal(t, "x", string(rec), "a batch reads the state it staged")
		return want
	})
	require.ErrorIs(t, err, want)
	seq, _, err := l.Head()
	require.NoError(t, err)
	assert.Equal(t, uint64(2), seq)
}

func TestCommitOnReadOnlyLedger(t *testing.T) {
	l := newLedger(t)
	p := prepareEntries(t, l, 1, 1)
	ro := reopen(t, l, Options{ReadOnly: true})
	requireCode(t, ro.Commit(p), IO)
}

// An entry encoded ahead and appended gets the hash, chain and stored form
// Append gives it, whatever its strings hold.
func TestAppendEncoded(t *testing.T) {
	entries := []*Entry{testEntry(1), testEntry(2), testEntry(3)}
	entries[1].Type = `we"ird,"seq":0,"type":x`
	entries[1].Memo = `,"seq":0,"type":"y"`
	entries[2].Body = []byte(`{"a":",\"seq\":0,\"type\":"}`)
	plain := newLedger(t)
	encoded := newLedger(t)
	var en Encoder
	require.NoError(t, plain.Update(func(b *Batch) error {
		for _, e := range entries {
			c := *e
			require.NoError(t, b.Append(&c))
		}
		return nil
	}))
	require.NoError(t, encoded.Update(func(b *Batch) error {
		for i, e := range entries {
			x, err := en.Encode(e)
			require.NoError(t, err)
			assert.Equal(t, e.ID, x.ID())
			seq, _, err := b.AppendEncoded(&x)
			require.NoError(t, err)
			assert.Equal(t, uint64(i+1), seq)
		}
		again := must(en.Encode(entries[0]))
		_, _, err := b.AppendEncoded(&again)
		require.ErrorIs(t, err, ErrDuplicateID)
		return nil
	}))
	for seq := uint64(1); seq <= 3; seq++ {
		want, err := plain.Get(seq)
		require.NoError(t, err)
		got, err := encoded.Get(seq)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	_, err := en.Encode(&Entry{ID: "x", Body: []byte(`[1]`)})
	require.Error(t, err, "Encode checks as Append does")
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// Ids appended out of order are sorted for the index before Commit, and
// every one is found after it.
func TestCommitUnsortedIDs(t *testing.T) {
	l := newLedger(t)
	order := []int{5, 2, 9, 1, 7}
	p, err := l.Prepare(func(b *Batch) error {
		for _, i := range order {
			if err := b.Append(testEntry(i)); err != nil {
				return err
			}
		}
		_, ok, err := b.Lookup("e-000009")
		require.NoError(t, err)
		require.True(t, ok)
		return nil
	})
	require.NoError(t, err)
	require.NoError(t, l.Commit(p))
	for n, i := range order {
		e, ok, err := l.Lookup(testEntry(i).ID)
		require.NoError(t, err)
		require.True(t, ok, i)
		assert.Equal(t, uint64(n+1), e.Seq)
	}
}
