package ledger

import (
	"encoding/binary"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// freelistPage is the page number of the active free-page list of the
// closed bbolt file at path, and its page size.
func freelistPage(t *testing.T, path string) (id uint64, pageSize int) {
	t.Helper()
	l, err := Open(path, Options{ReadOnly: true})
	require.NoError(t, err)
	defer l.Close()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	pageSize = l.db.Info().PageSize
	require.NoError(t, l.db.View(func(tx *bolt.Tx) error {
		var ok bool
		id, _, ok, err = activeMeta(tx, f, pageSize)
		require.True(t, ok)
		return err
	}))
	require.NotEqual(t, noFreelist, id)
	return id, pageSize
}

// TestFreelistChecked: bbolt trusts the free-page list when it opens a
// file for writing. A count that claims a trillion pages made it die of
// "out of memory" with a stack trace; a live page listed as free would be
// overwritten by the next write. Both, and a page that is no free-page
// list, are damage to verify and check, and a refusal to write.
func TestFreelistChecked(t *testing.T) {
	path := ledgerFile(t, 3000)
	good, err := os.ReadFile(path)
	require.NoError(t, err)
	free, pageSize := freelistPage(t, path)
	_, branches := branchPages(t, path)
	at := int(free) * pageSize

	for name, tc := range map[string]struct {
		damage func(data []byte)
		want   string
	}{
		"a count beyond the page": {func(data []byte) {
			binary.NativeEndian.PutUint16(data[at+pageHeaderFlagAt+2:], 0xFFFF)
			binary.NativeEndian.PutUint64(data[at+pageHeaderSize:], 1<<40)
		}, "claims 1099511627776 pages"},
		"a live page listed as free": {func(data []byte) {
			binary.NativeEndian.PutUint16(data[at+pageHeaderFlagAt+2:], 1)
			binary.NativeEndian.PutUint64(data[at+pageHeaderSize:], uint64(branches[0]))
		}, "which the ledger's trees use"},
		"a tree page running over it": {func(data []byte) {
			// The page before the list claims one overflow page: the list.
			binary.NativeEndian.PutUint32(data[at-pageSize+pageHeaderFlagAt+4:], 1)
		}, "is also part of a tree"},
		"not a free-page list": {func(data []byte) {
			binary.NativeEndian.PutUint16(data[at+pageHeaderFlagAt:], leafPageFlag)
		}, "is not a free-page list"},
	} {
		data := append([]byte{}, good...)
		tc.damage(data)
		require.NoError(t, os.WriteFile(path, data, 0o600))
		for _, opt := range []Options{{ReadOnly: true, CheckPages: true}, {CheckPages: true}} {
			l, err := Open(path, opt)
			if l != nil {
				l.Close()
			}
			var le *Error
			require.ErrorAs(t, err, &le, "%s (%+v)", name, opt)
			assert.Equal(t, Corrupt, le.Code, name)
			assert.Contains(t, err.Error(), tc.want, name)
		}
	}
	require.NoError(t, os.WriteFile(path, good, 0o600))
}

// TestBranchKeysChecked: a branch key that lies outside its page, or out
// of order, would send bbolt reading outside the page or down the wrong
// child (finding nothing where there is something, and answering wrong):
// the walk and the query path check both call it damage.
func TestBranchKeysChecked(t *testing.T) {
	path := ledgerFile(t, 3000)
	good, err := os.ReadFile(path)
	require.NoError(t, err)
	pageSize, branches := branchPages(t, path)
	id := branches[0]
	elem := func(data []byte, i int) []byte { return data[id*pageSize+pageHeaderSize+i*branchElemSize:] }
	for name, tc := range map[string]struct {
		damage func(data []byte)
		want   string
	}{
		"a key outside the page": {func(data []byte) { binary.NativeEndian.PutUint32(elem(data, 1)[4:], 1<<31) }, "lies outside the page"},
		"a key out of order":     {func(data []byte) { binary.NativeEndian.PutUint32(elem(data, 1)[4:], 0) }, "out of order"},
	} {
		data := append([]byte{}, good...)
		tc.damage(data)
		require.NoError(t, os.WriteFile(path, data, 0o600))
		_, err := Open(path, Options{ReadOnly: true, CheckPages: true})
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), tc.want, name)

		// A query that reads through that page finds it too.
		ro, err := Open(path, Options{ReadOnly: true})
		require.NoError(t, err, name)
		found := false
		for i := 1; i <= 3000 && !found; i++ {
			if _, _, err := ro.Lookup(testEntry(i).ID); err != nil {
				found = strings.Contains(err.Error(), tc.want)
			}
			if _, err := ro.Get(uint64(i)); err != nil {
				found = found || strings.Contains(err.Error(), tc.want)
			}
		}
		assert.True(t, found, name)
		require.NoError(t, ro.Close())
	}
	require.NoError(t, os.WriteFile(path, good, 0o600))
}

// TestWriteRefusesAHeadThatIsNotLast: a write does not verify the chain,
// but it must not chain onto a head whose entry damage has hidden, or
// whose hash is not its entry's.
func TestWriteRefusesAHeadThatIsNotLast(t *testing.T) {
	for name, damage := range map[string]func(tx *bolt.Tx) error{
		"the last entry gone": func(tx *bolt.Tx) error {
			return tx.Bucket(bucketJournal).Delete(seqKey(30))
		},
		"the head's hash changed": func(tx *bolt.Tx) error {
			head := append([]byte{}, tx.Bucket(bucketMeta).Get(keyHead)...)
			head[10] ^= 1
			return tx.Bucket(bucketMeta).Put(keyHead, head)
		},
	} {
		l := createLedger(t)
		appendEntries(t, l, 1, 30)
		path := l.Path()
		require.NoError(t, l.Close())
		db, err := bolt.Open(path, 0o600, nil)
		require.NoError(t, err)
		require.NoError(t, db.Update(damage))
		require.NoError(t, db.Close())

		w, err := Open(path, Options{})
		require.NoError(t, err)
		err = w.Update(func(b *Batch) error { return b.Append(testEntry(31)) })
		var le *Error
		require.ErrorAs(t, err, &le, name)
		assert.Equal(t, Corrupt, le.Code, name)
		_, err = w.Prepare(func(b *Batch) error { return b.Append(testEntry(31)) })
		require.ErrorAs(t, err, &le, name)
		require.NoError(t, w.Close())
	}
}

func TestQuoteShort(t *testing.T) {
	assert.Equal(t, `"abc"`, quoteShort([]byte("abc")))
	long := quoteShort([]byte(strings.Repeat("x", 1<<20)))
	assert.Less(t, len(long), 100)
	assert.True(t, strings.HasSuffix(long, "… (1048576 bytes)"), long)
}
