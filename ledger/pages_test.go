package ledger

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// branchPages lists the branch pages of the bbolt file at path, and its
// page size.
func branchPages(t *testing.T, path string) (pageSize int, branches []int) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	defer db.Close()
	pageSize = db.Info().PageSize
	require.NoError(t, db.View(func(tx *bolt.Tx) error {
		for id := 2; id < int(tx.Size())/pageSize; id++ {
			if p, err := tx.Page(id); err == nil && p != nil && p.Type == "branch" {
				branches = append(branches, id)
			}
		}
		return nil
	}))
	require.NotEmpty(t, branches)
	return pageSize, branches
}

// TestWalkPagesFindsLoops points a branch page's first child at the page
// itself, and at another page's child: bbolt would recurse without end (a
// stack overflow, fatal) or read a page twice; the walk reports either as
// damage, and a sound file passes it.
func TestWalkPagesFindsLoops(t *testing.T) { forEachPageSize(t, walkPagesFindsLoops) }

func walkPagesFindsLoops(t *testing.T) {
	l := createLedger(t)
	appendEntries(t, l, 1, 3000) // enough for branch pages in journal and ids
	path := l.Path()
	require.NoError(t, l.Close())

	sound, err := Open(path, Options{ReadOnly: true, CheckPages: true})
	require.NoError(t, err, "a sound file passes the walk")
	require.NoError(t, sound.Close())

	pageSize, branches := branchPages(t, path)
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

// TestQueriesFollowNoLoop: a ledger opened read-only without the walk (as
// queries open it) checks the pages each read follows. With a branch page
// pointing at itself, at another page's child, or past the end, every
// look-up, read and scan either succeeds (its path avoids the damage) or
// is Corrupt; none sends bbolt round the loop, which would kill this test
// with a stack overflow.
func TestQueriesFollowNoLoop(t *testing.T) { forEachPageSize(t, queriesFollowNoLoop) }

func queriesFollowNoLoop(t *testing.T) {
	l := createLedger(t)
	appendEntries(t, l, 1, 3000)
	require.NoError(t, l.Update(func(b *Batch) error {
		recs := map[string][]byte{}
		for i := 0; i < 400; i++ {
			recs[fmt.Sprintf("u/%04d", i)] = bytes.Repeat([]byte{byte(i)}, 200)
		}
		return b.PutState(recs)
	}))
	path := l.Path()
	require.NoError(t, l.Close())
	good, err := os.ReadFile(path)
	require.NoError(t, err)
	pageSize, branches := branchPages(t, path)

	corrupt := func(err error) bool {
		var le *Error
		return errors.As(err, &le) && le.Code == Corrupt
	}
	for name, target := range map[string]func(self int, data []byte) uint64{
		"itself": func(self int, _ []byte) uint64 { return uint64(self) },
		"its second child": func(self int, data []byte) uint64 {
			return binary.NativeEndian.Uint64(data[self*pageSize+pageHeaderSize+branchElemSize+8:])
		},
		"the first branch": func(int, []byte) uint64 { return uint64(branches[0]) },
		"past the end":     func(int, []byte) uint64 { return uint64(len(good) / pageSize * 4) },
	} {
		for _, id := range branches {
			for elem := 0; elem < 2; elem++ {
				data := append([]byte{}, good...)
				at := id*pageSize + pageHeaderSize + elem*branchElemSize + 8
				binary.NativeEndian.PutUint64(data[at:], target(id, data))
				require.NoError(t, os.WriteFile(path, data, 0o600))

				ro, err := Open(path, Options{ReadOnly: true})
				if err != nil {
					require.True(t, corrupt(err), "%s: page %d: open: %v", name, id, err)
					continue
				}
				failed := 0
				for i := 1; i <= 3000; i++ {
					_, _, err := ro.Lookup(testEntry(i).ID)
					if err != nil {
						require.True(t, corrupt(err), "%s: page %d: lookup %d: %v", name, id, i, err)
						failed++
					}
				}
				for i := 0; i < 400; i++ {
					if _, _, err := ro.StateRecord(fmt.Sprintf("u/%04d", i)); err != nil {
						require.True(t, corrupt(err), "%s: page %d: record %d: %v", name, id, i, err)
						failed++
					}
				}
				err = ro.Scan(1, func(*Entry) error { return nil })
				assert.True(t, err == nil || corrupt(err), "%s: page %d: scan: %v", name, id, err)
				err = ro.StateRecords(func(string, []byte, uint64) error { return nil })
				assert.True(t, err == nil || corrupt(err), "%s: page %d: state scan: %v", name, id, err)
				var chain *ChainError
				err = ro.Verify(nil)
				assert.True(t, err == nil || corrupt(err) || errors.As(err, &chain), "%s: page %d: verify: %v", name, id, err)
				require.NoError(t, ro.Close())
				if name == "itself" && elem == 0 {
					assert.NotZero(t, failed, "page %d: some look-up passes through it", id)
				}
			}
		}
	}
}

// TestPathCheckConcurrentReaders: a Ledger's methods may run in several
// goroutines (a replay scans the journal while it looks entries up), and
// a query's ledger checks the paths of every read; CI runs this under the
// race detector.
func TestPathCheckConcurrentReaders(t *testing.T) {
	path := ledgerFile(t, 2000)
	ro, err := Open(path, Options{ReadOnly: true})
	require.NoError(t, err)
	defer ro.Close()
	done := make(chan error, 1)
	go func() {
		done <- ro.Scan(1, func(e *Entry) error {
			if e.Seq == 1 {
				// Hold the scan open, with no synchronisation, while the
				// look-ups below run.
				time.Sleep(100 * time.Millisecond)
			}
			return nil
		})
	}()
	for i := 1; i <= 2000; i += 7 {
		_, ok, err := ro.Lookup(testEntry(i).ID)
		require.NoError(t, err)
		require.True(t, ok)
		_, _, err = ro.StateRecord("absent")
		require.NoError(t, err)
	}
	require.NoError(t, <-done)
}
