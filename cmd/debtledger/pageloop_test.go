package main

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// TestCommandsOnAPageLoop: one branch page of the file made to point at
// itself, as one damaged page number can, would send bbolt round and round
// its tree: a stack overflow that kills the process with a Go stack trace.
// For each branch page in turn, every command either works (its reads do
// not pass that page) or says the file is damaged: exit 1 for verify and
// check, exit 2 for the others (SPEC §6). A miss kills this test.
func TestCommandsOnAPageLoop(t *testing.T) {
	dir := t.TempDir()
	events, _ := generated(t, dir, 6000, 3)
	db := filepath.Join(dir, "l.db")
	for _, args := range [][]string{{"init"}, {"import", events}} {
		code, _, errOut := runIn(t, "", append([]string{"--db", db}, args...)...)
		require.Equal(t, 0, code, errOut)
	}
	good, err := os.ReadFile(db)
	require.NoError(t, err)
	var branches []int
	bdb, err := bolt.Open(db, 0o600, nil)
	require.NoError(t, err)
	pageSize := bdb.Info().PageSize
	require.NoError(t, bdb.View(func(tx *bolt.Tx) error {
		for id := 2; id < int(tx.Size())/pageSize; id++ {
			if p, err := tx.Page(id); err == nil && p != nil && p.Type == "branch" {
				branches = append(branches, id)
			}
		}
		return nil
	}))
	require.NoError(t, bdb.Close())
	require.NotEmpty(t, branches)

	commands := [][]string{
		{"balance", "--as-of", "2016-06-30"},
		{"balance", "--as-of", "2016-06-30", "--by", "unit"},
		{"schedule", "--as-of", "2016-06-30", "--to", "2030-12-31", "--by", "year"},
		{"report", "--from", "2016-01-01", "--to", "2016-06-30"},
		{"projects"},
		{"journal", "--unit", "P01"},
		{"verify"},
		{"check"},
	}
	refused := 0
	for _, id := range branches {
		data := append([]byte{}, good...)
		// The first element's child: a branch page's elements start after
		// its 16-byte header, 16 bytes each, the child's number last.
		binary.NativeEndian.PutUint64(data[id*pageSize+16+8:], uint64(id))
		require.NoError(t, os.WriteFile(db, data, 0o600))
		for _, args := range commands {
			code, _, errOut := runIn(t, "", append([]string{"--db", db}, args...)...)
			what := strings.Join(args, " ")
			assert.NotContains(t, errOut, "goroutine", "page %d: %s", id, what)
			switch {
			case code == 0:
			case args[0] == "verify" || args[0] == "check":
				assert.Equal(t, 1, code, "page %d: %s: %s", id, what, errOut)
				assert.Contains(t, errOut, "not a readable ledger", "page %d: %s", id, what)
			default:
				assert.Equal(t, 2, code, "page %d: %s: %s", id, what, errOut)
				assert.Contains(t, errOut, "not a readable ledger", "page %d: %s", id, what)
				assert.Equal(t, 1, strings.Count(errOut, db), "page %d: %s names the file once: %s", id, what, errOut)
				refused++
			}
		}
	}
	assert.NotZero(t, refused, "some query met a loop")
}
