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
