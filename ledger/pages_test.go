package ledger

import (
	"encoding/binary"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// TestWalkPagesFindsLoops points a branch page's first child at the page
// itself, and at another page's child: bbolt would recurse without end (a
// stack overflow, fatal) or read a page twice; the walk reports either as
// damage, and a sound file passes it.
func TestWalkPagesFindsLoops(t *testing.T) {
	l := createLedger(t)
	appendEntries(t, l, 1, 3000) // enough for branch pages in journal and ids
	path := l.Path()
	require.NoError(t, l.Close())

	sound, err := Open(path, Options{ReadOnly: true, CheckPages: true})
	require.NoError(t, err, "a sound file passes the walk")
	require.NoError(t, sound.Close())

	var branches []int
	db, err := bolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	pageSize := db.Info().PageSize
	require.NoError(t, db.View(func(tx *bolt.Tx) error {
		for id := 2; id < int(tx.Size())/pageSize; id++ {
			if p, err := tx.Page(id); err == nil && p != nil && p.Type == "branch" {
				branches = append(branches, id)
			}
		}
		return nil
	}))
	require.NoError(t, db.Close())
	require.NotEmpty(t, branches)
	good, err := os.ReadFile(path)
	require.NoError(t, err)

	for name, target := range map[string]func(self int, data []byte) uint64{
		"itself": func(self int, _ []byte) uint64 { return uint64(self) },
		"its second child": func(self int, data []byte) uint64 {
			return binary.NativeEndian.Uint64(data[self*pageSize+pageHeaderSize+branchElemSize+8:])
		},
		"past the end": func(int, []byte) uint64 { return uint64(len(good) / pageSize * 4) },
	} {
		for _, id := range branches {
			data := append([]byte{}, good...)
			binary.NativeEndian.PutUint64(data[id*pageSize+pageHeaderSize+8:], target(id, data))
			require.NoError(t, os.WriteFile(path, data, 0o600))

			_, err := Open(path, Options{ReadOnly: true, CheckPages: true})
			var le *Error
			require.ErrorAs(t, err, &le, "%s: branch page %d", name, id)
			assert.Equal(t, Corrupt, le.Code, "%s: branch page %d", name, id)

			w, err := Open(path, Options{CheckPages: true})
			require.ErrorAs(t, err, &le, "%s: a write refuses it too", name)
			if w != nil {
				w.Close()
			}
		}
	}
}
