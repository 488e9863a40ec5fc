package ledger

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSpoolWriteFails: when a write to the spool's file fails, what the
// file holds is still read from it, and the rest stays in memory.
func TestSpoolWriteFails(t *testing.T) {
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
