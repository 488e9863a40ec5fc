package ledger

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// mappedRSS is how much of path this process has resident through its
// maps, in KiB (/proc/self/smaps).
func mappedRSS(t *testing.T, path string) int {
	f, err := os.Open("/proc/self/smaps")
	require.NoError(t, err)
	defer f.Close()
	total, in := 0, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		switch {
		case len(fields) > 0 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":"):
			in = strings.HasSuffix(line, path)
		case in && fields[0] == "Rss:":
			kb, err := strconv.Atoi(fields[1])
			require.NoError(t, err)
			total += kb
		}
	}
	require.NoError(t, sc.Err())
	return total
}

// TestStateRecordReleasesItsPages: a record read (and copied) through the
// file's map leaves no pages of it resident in the process, and reads
// the same again after.
func TestStateRecordReleasesItsPages(t *testing.T) {
	big := make([]byte, 8<<20)
	r := rand.NewChaCha8([32]byte{7})
	_, _ = r.Read(big)
	l := createLedger(t)
	require.NoError(t, l.Update(func(b *Batch) error { return b.PutState(map[string][]byte{"big": big}) }))
	require.NoError(t, l.Close())

	ro, err := Open(l.Path(), Options{ReadOnly: true})
	require.NoError(t, err)
	defer ro.Close()
	// Fault every page of the record in, as bbolt's own readers would.
	require.NoError(t, ro.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketState).Get(stateKey("big"))
		require.True(t, bytes.Equal(big, v))
		return nil
	}))
	require.Greater(t, mappedRSS(t, l.Path()), 8<<10-64, "the record is resident once read")
	for range 2 {
		recs, _, err := ro.StateRecordList([]string{"big"})
		require.NoError(t, err)
		require.True(t, bytes.Equal(big, recs[0]))
		assert.Less(t, mappedRSS(t, l.Path()), 1<<10, "the record's pages were let go")
	}
	rec, _, err := ro.StateRecord("big")
	require.NoError(t, err)
	require.True(t, bytes.Equal(big, rec))
}

// TestReleaseLeavesTheHeapAlone: a value outside bbolt's map (one put in
// the same write transaction lives on the heap) is not released, which
// would zero it.
func TestReleaseLeavesTheHeapAlone(t *testing.T) {
	l := newLedger(t)
	heap := bytes.Repeat([]byte{0xA5}, 1<<20)
	require.NoError(t, l.db.View(func(tx *bolt.Tx) error {
		releaseMapped(tx, heap)
		return nil
	}))
	assert.Equal(t, bytes.Repeat([]byte{0xA5}, 1<<20), heap)
}
