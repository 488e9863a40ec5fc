package ledger

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withSpillSize runs a test with the spool spilling past n bytes.
func withSpillSize(t *testing.T, n int) {
	old := spillSize
	spillSize = n
	t.Cleanup(func() { spillSize = old })
}

// TestSpooledBatch: entries staged past the spill size are read back from
// the spool's file, by look-ups during the batch and by the commit, and
// the file is gone from the directory throughout.
func TestSpooledBatch(t *testing.T) {
	for _, spill := range []int{1, 300, 4096, 8 << 20} {
		t.Run(fmt.Sprint(spill), func(t *testing.T) {
			withSpillSize(t, spill)
			l := newLedger(t)
			appendEntries(t, l, 1, 3)
			require.NoError(t, l.Close())
			ro, err := Open(l.Path(), Options{ReadOnly: true})
			require.NoError(t, err)
			p, err := ro.Prepare(func(b *Batch) error {
				for i := 4; i <= 400; i++ {
					if err := b.Append(testEntry(i)); err != nil {
						return err
					}
					if i%37 == 0 {
						// An entry staged long ago, and the one just before.
						for _, j := range []int{4, i - 1} {
							e, ok, err := b.Lookup(testEntry(j).ID)
							require.NoError(t, err)
							require.True(t, ok)
							require.Equal(t, uint64(j), e.Seq)
							require.Equal(t, testEntry(j).Body, e.Body)
						}
					}
				}
				assert.Equal(t, spill < 8<<20, b.staged.spilled > 0, "spilled")
				entries, err := os.ReadDir(filepath.Dir(l.Path()))
				require.NoError(t, err)
				assert.Len(t, entries, 1, "only the ledger is in its directory")
				return nil
			})
			require.NoError(t, err)
			require.NoError(t, ro.Close())
			w, err := Open(l.Path(), Options{})
			require.NoError(t, err)
			defer w.Close()
			require.NoError(t, w.Commit(p))
			assert.Nil(t, p.b.staged.file, "the spool's file is let go")
			require.NoError(t, w.Verify(nil))
			for _, j := range []int{1, 4, 200, 400} {
				e, ok, err := w.Lookup(testEntry(j).ID)
				require.NoError(t, err)
				require.True(t, ok)
				assert.Equal(t, uint64(j), e.Seq)
				assert.Equal(t, testEntry(j).Body, e.Body)
			}
		})
	}
}

// TestSpoolWithoutFile: where no file can be made, the values stay in
// memory and the batch is the same.
func TestSpoolWithoutFile(t *testing.T) {
	withSpillSize(t, 10)
	s := newSpool(filepath.Join(t.TempDir(), "missing", "ledger.db"))
	for i := 0; i < 100; i++ {
		copy(s.next(3), fmt.Sprintf("%03d", i))
	}
	assert.Nil(t, s.file)
	assert.Greater(t, len(s.kept), 10, "kept in chunks")
	for _, c := range s.kept {
		assert.LessOrEqual(t, cap(c.b), 16, "a chunk is about spillSize, not a doubling buffer")
	}
	v, err := s.at(42)
	require.NoError(t, err)
	assert.Equal(t, "042", string(v))
	n := 0
	require.NoError(t, s.each(func(i int, val []byte) error {
		assert.Equal(t, fmt.Sprintf("%03d", i), string(val))
		n++
		return nil
	}))
	assert.Equal(t, 100, n)
}

// TestSpoolWriteFails: when a write to the spool's file fails, what the
// file holds is still read from it, and the rest stays in memory.
func TestSpoolWriteFails(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reopens the spool's file through /proc")
	}
	withSpillSize(t, 10)
	s := newSpool(filepath.Join(t.TempDir(), "ledger.db"))
	value := func(i int) string { return fmt.Sprintf("%04d", i) }
	for i := 0; i < 20; i++ {
		copy(s.next(4), value(i))
	}
	require.NotNil(t, s.file)
	require.Positive(t, s.spilled)
	// The same (unlinked) file, open for reading only: the next write fails.
	ro, err := os.Open(fmt.Sprintf("/proc/self/fd/%d", s.file.Fd()))
	require.NoError(t, err)
	s.file.Close()
	s.file = ro
	for i := 20; i < 60; i++ {
		copy(s.next(4), value(i))
	}
	assert.True(t, s.inMem)
	assert.NotEmpty(t, s.kept)
	for i := 0; i < 60; i++ {
		v, err := s.at(i)
		require.NoError(t, err)
		require.Equal(t, value(i), string(v))
	}
	n := 0
	require.NoError(t, s.each(func(i int, val []byte) error {
		require.Equal(t, value(i), string(val))
		n++
		return nil
	}))
	assert.Equal(t, 60, n)
	s.close()
}
