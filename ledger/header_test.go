package ledger

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDamagedHeaderPage: bbolt reads a file with one damaged header page
// through the other, silently, which can be a write older. Every open
// says so, a query's too; a sound file passes.
func TestDamagedHeaderPage(t *testing.T) {
	path := ledgerFile(t, 50)
	good, err := os.ReadFile(path)
	require.NoError(t, err)
	l, err := Open(path, Options{ReadOnly: true, CheckPages: true})
	require.NoError(t, err, "a sound file passes")
	pageSize := l.db.Info().PageSize
	require.NoError(t, l.Close())

	for _, page := range []int{0, 1} {
		for _, at := range []int{pageHeaderSize, metaFreelistAt, metaTxidAt, metaChecksumAt} {
			data := append([]byte{}, good...)
			data[page*pageSize+at] ^= 0x40
			require.NoError(t, os.WriteFile(path, data, 0o600))
			for _, opt := range []Options{{ReadOnly: true}, {ReadOnly: true, CheckPages: true}, {CheckPages: true}, {}} {
				l, err := Open(path, opt)
				if l != nil {
					l.Close()
				}
				var le *Error
				require.ErrorAs(t, err, &le, "page %d byte %d", page, at)
				assert.Equal(t, Corrupt, le.Code)
				assert.Contains(t, err.Error(), "header page", "page %d byte %d", page, at)
			}
		}
	}
	require.NoError(t, os.WriteFile(path, good, 0o600))
}

// TestHeaderDamageOK: verify and backup open such a file as bbolt reads
// it. Verify reports the damage and the head read (for an anchor to
// judge); a backup of it is a sound file of what was read.
func TestHeaderDamageOK(t *testing.T) {
	path := ledgerFile(t, 50)
	good, err := os.ReadFile(path)
	require.NoError(t, err)
	l, err := Open(path, Options{ReadOnly: true})
	require.NoError(t, err)
	pageSize := l.db.Info().PageSize
	require.NoError(t, l.Close())

	for _, page := range []int{0, 1} {
		data := append([]byte{}, good...)
		clear(data[page*pageSize+pageHeaderSize : page*pageSize+metaChecksumAt+8])
		require.NoError(t, os.WriteFile(path, data, 0o600))

		ro, err := Open(path, Options{ReadOnly: true, CheckPages: true, HeaderDamageOK: true})
		require.NoError(t, err, "page %d", page)
		require.Error(t, ro.HeaderDamage())
		err = ro.Verify(nil)
		var le *Error
		require.ErrorAs(t, err, &le)
		assert.Equal(t, Corrupt, le.Code)
		assert.Contains(t, err.Error(), "header page")
		// The head read is named, for an anchor to judge.
		readSeq, readHash, err := ro.Head()
		require.NoError(t, err)
		assert.Contains(t, le.Error(), FormatHead(readSeq, readHash))
		// With an anchor, verify says whether the chain read holds it.
		err = ro.Verify(&Anchor{Seq: readSeq, Hash: readHash})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "holds the anchor's entry")
		err = ro.Verify(&Anchor{Seq: readSeq + 1, Hash: readHash})
		var chain *ChainError
		assert.ErrorAs(t, err, &chain, "an anchor past the head read: the file is older")

		out := path + ".copy"
		_, _, err = ro.Backup(out, true)
		require.NoError(t, err)
		require.NoError(t, ro.Close())
		copied, err := Open(out, Options{ReadOnly: true, CheckPages: true})
		require.NoError(t, err, "the copy's headers are sound")
		require.NoError(t, copied.Verify(nil))
		cseq, chash, err := copied.Head()
		require.NoError(t, err)
		assert.Equal(t, readSeq, cseq)
		assert.Equal(t, readHash, chash)
		require.NoError(t, copied.Close())
	}
	require.NoError(t, os.WriteFile(path, good, 0o600))
}
