package ledger

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// tamper closes l and changes its file through bbolt directly, as someone
// with write access to the file could.
func tamper(t *testing.T, l *Ledger, fn func(tx *bolt.Tx) error) {
	t.Helper()
	require.NoError(t, l.Close())
	db, err := bolt.Open(l.Path(), 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, db.Update(fn))
	require.NoError(t, db.Close())
}

// verifyFile opens path read-only and verifies it against anchor.
func verifyFile(t *testing.T, path string, anchor *Anchor) error {
	t.Helper()
	l, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer l.Close()
	return l.Verify(anchor)
}

// storedEntry decodes entry seq straight from the journal bucket.
func storedEntry(t *testing.T, tx *bolt.Tx, seq uint64) *Entry {
	t.Helper()
	j := tx.Bucket(bucketJournal)
	var prev [32]byte
	if seq > 1 {
		copy(prev[:], j.Get(seqKey(seq-1)))
	}
	e, err := decodeEntry(seq, j.Get(seqKey(seq)), prev)
	require.NoError(t, err)
	return e
}

// putEntry stores e under e.Seq with the given stored hash.
func putEntry(t *testing.T, tx *bolt.Tx, e *Entry, hash [32]byte) {
	t.Helper()
	c := e.content()
	val := make([]byte, 32+c.storedSize())
	copy(val, hash[:])
	c.putStored(val[32:])
	require.NoError(t, tx.Bucket(bucketJournal).Put(seqKey(e.Seq), val))
}

func putHead(t *testing.T, tx *bolt.Tx, seq uint64, hash [32]byte) {
	t.Helper()
	v := binary.BigEndian.AppendUint64(nil, seq)
	require.NoError(t, tx.Bucket(bucketMeta).Put(keyHead, append(v, hash[:]...)))
}

func TestVerifyGood(t *testing.T) {
	l := newLedger(t)
	require.NoError(t, l.Verify(nil), "empty journal")
	require.NoError(t, l.Verify(&Anchor{}), "empty journal, anchor 0")
	var heads []Anchor
	for i := 1; i <= 25; i += 5 {
		appendEntries(t, l, i, 5)
		seq, hash, err := l.Head()
		require.NoError(t, err)
		heads = append(heads, Anchor{seq, hash})
	}
	require.NoError(t, l.Verify(nil))
	for _, a := range heads {
		require.NoError(t, l.Verify(&a), "anchor %d", a.Seq)
	}
}

func TestVerifyTampered(t *testing.T) {
	const n = 10
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, tx *bolt.Tx)
		seq    uint64
		reason string
	}{
		{"byte of entry 5 changed", func(t *testing.T, tx *bolt.Tx) {
			e := storedEntry(t, tx, 5)
			e.Memo = "memo 6"
			putEntry(t, tx, e, e.Hash)
		}, 5, "hash does not match its content"},
		{"body of entry 5 changed", func(t *testing.T, tx *bolt.Tx) {
			e := storedEntry(t, tx, 5)
			e.Body = []byte(`{"amount":"9.00"}`)
			putEntry(t, tx, e, e.Hash)
		}, 5, "hash does not match its content"},
		{"entry 5 rewritten with its own hash", func(t *testing.T, tx *bolt.Tx) {
			e := storedEntry(t, tx, 5)
			e.Memo = "forged"
			putEntry(t, tx, e, e.ComputeHash())
		}, 6, "hash does not match its content"},
		{"entries 4 and 5 swapped", func(t *testing.T, tx *bolt.Tx) {
			j := tx.Bucket(bucketJournal)
			v4, v5 := append([]byte{}, j.Get(seqKey(4))...), append([]byte{}, j.Get(seqKey(5))...)
			require.NoError(t, j.Put(seqKey(4), v5))
			require.NoError(t, j.Put(seqKey(5), v4))
		}, 4, "hash does not match"},
		{"entry 5 deleted", func(t *testing.T, tx *bolt.Tx) {
			require.NoError(t, tx.Bucket(bucketJournal).Delete(seqKey(5)))
		}, 5, "missing (the journal goes on with entry 6)"},
		{"entry 5 unreadable", func(t *testing.T, tx *bolt.Tx) {
			require.NoError(t, tx.Bucket(bucketJournal).Put(seqKey(5), make([]byte, 40)))
		}, 5, "unreadable: empty id"},
		{"entry 5 too short", func(t *testing.T, tx *bolt.Tx) {
			require.NoError(t, tx.Bucket(bucketJournal).Put(seqKey(5), []byte("short")))
		}, 5, "stored value too short"},
		{"bad journal key", func(t *testing.T, tx *bolt.Tx) {
			require.NoError(t, tx.Bucket(bucketJournal).Put([]byte("zz"), []byte("x")))
		}, n + 1, "is not a sequence number"},
		{"last entry deleted", func(t *testing.T, tx *bolt.Tx) {
			require.NoError(t, tx.Bucket(bucketJournal).Delete(seqKey(n)))
		}, n, "not in the journal (truncated?): the head records entry 10"},
		{"head moved back", func(t *testing.T, tx *bolt.Tx) {
			putHead(t, tx, n-1, storedEntry(t, tx, n-1).Hash)
		}, n, "beyond the recorded head (entry 9)"},
		{"head hash changed", func(t *testing.T, tx *bolt.Tx) {
			putHead(t, tx, n, [32]byte{1})
		}, n, "hash differs from the recorded head"},
		{"id of entry 3 unindexed", func(t *testing.T, tx *bolt.Tx) {
			require.NoError(t, tx.Bucket(bucketIDs).Delete([]byte("e-000003")))
		}, 3, `id "e-000003" is missing from the id index`},
		{"id of entry 3 pointed at 4", func(t *testing.T, tx *bolt.Tx) {
			require.NoError(t, tx.Bucket(bucketIDs).Put([]byte("e-000003"), binary.BigEndian.AppendUint64(nil, 4)))
		}, 3, `id "e-000003" is missing from the id index`},
		{"extra id", func(t *testing.T, tx *bolt.Tx) {
			require.NoError(t, tx.Bucket(bucketIDs).Put([]byte("zzz"), binary.BigEndian.AppendUint64(nil, 7)))
		}, 7, `the id index maps "zzz" to this entry, whose id is "e-000007"`},
		{"id beyond the journal", func(t *testing.T, tx *bolt.Tx) {
			require.NoError(t, tx.Bucket(bucketIDs).Put([]byte("zzz"), binary.BigEndian.AppendUint64(nil, 99)))
		}, 99, `not in the journal (truncated?), yet the id index maps "zzz" to it`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := createLedger(t)
			appendEntries(t, l, 1, n)
			tamper(t, l, func(tx *bolt.Tx) error { tc.change(t, tx); return nil })
			err := verifyFile(t, l.Path(), nil)
			var ce *ChainError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.seq, ce.Seq, "%v", err)
			assert.Contains(t, ce.Reason, tc.reason)
			assert.True(t, strings.HasPrefix(err.Error(), fmt.Sprintf("entry %d: ", tc.seq)), err.Error())
		})
	}
}

func TestVerifyBadIDValue(t *testing.T) {
	l := createLedger(t)
	appendEntries(t, l, 1, 3)
	tamper(t, l, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketIDs).Put([]byte("e-000002"), []byte("x"))
	})
	requireCode(t, verifyFile(t, l.Path(), nil), Corrupt)
}

// TestVerifyRewrittenChain rewrites entry 4 and re-chains everything after
// it consistently: only an anchor taken before can tell.
func TestVerifyRewrittenChain(t *testing.T) {
	const n = 10
	l := createLedger(t)
	appendEntries(t, l, 1, n)
	anchors := map[uint64]Anchor{}
	require.NoError(t, l.Scan(1, func(e *Entry) error {
		anchors[e.Seq] = Anchor{e.Seq, e.Hash}
		return nil
	}))

	tamper(t, l, func(tx *bolt.Tx) error {
		prev := storedEntry(t, tx, 3).Hash
		for seq := uint64(4); seq <= n; seq++ {
			e := storedEntry(t, tx, seq)
			if seq == 4 {
				e.Memo = "forged"
			}
			e.Prev = prev
			prev = e.ComputeHash()
			putEntry(t, tx, e, prev)
		}
		putHead(t, tx, n, prev)
		return nil
	})

	require.NoError(t, verifyFile(t, l.Path(), nil), "a consistent rewrite passes without an anchor")
	for _, tc := range []struct {
		anchor uint64
		bad    bool
	}{{1, false}, {3, false}, {4, true}, {7, true}, {n, true}} {
		t.Run(fmt.Sprint(tc.anchor), func(t *testing.T) {
			a := anchors[tc.anchor]
			err := verifyFile(t, l.Path(), &a)
			if !tc.bad {
				assert.NoError(t, err)
				return
			}
			var ce *ChainError
			require.ErrorAs(t, err, &ce)
			assert.EqualError(t, err, fmt.Sprintf("entry %d: hash does not match the anchor (chain rewritten?)", tc.anchor))
		})
	}
}

func TestVerifyAnchorBeyondHead(t *testing.T) {
	l := newLedger(t)
	appendEntries(t, l, 1, 5)
	err := l.Verify(&Anchor{Seq: 99})
	assert.EqualError(t, err, "entry 99: not in the journal (truncated?)")
	err = l.Verify(&Anchor{Seq: 0, Hash: [32]byte{1}})
	assert.EqualError(t, err, "entry 0: hash does not match the anchor (chain rewritten?)")
}

func TestParseAnchor(t *testing.T) {
	hash := [32]byte{0xab, 0x01}
	hexHash := "ab01" + strings.Repeat("0", 60)
	for _, tc := range []struct {
		in   string
		want *Anchor
	}{
		{"42:" + hexHash, &Anchor{42, hash}},
		{"42:" + strings.ToUpper(hexHash), &Anchor{42, hash}},
		{"0:" + strings.Repeat("0", 64), &Anchor{}},
		{"42", nil},
		{":" + hexHash, nil},
		{"-1:" + hexHash, nil},
		{"+1:" + hexHash, nil},
		{"x:" + hexHash, nil},
		{"42:" + hexHash[:63], nil},
		{"42:" + hexHash + "0", nil},
		{"42:" + strings.Repeat("g", 64), nil},
		{"42 :" + hexHash, nil},
		{"", nil},
	} {
		got, err := ParseAnchor(tc.in)
		if tc.want == nil {
			assert.ErrorContains(t, err, "anchor", tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got)
	}
	assert.Equal(t, "42:"+hexHash, FormatHead(42, hash))
	a, err := ParseAnchor(FormatHead(7, hash))
	require.NoError(t, err)
	assert.Equal(t, &Anchor{7, hash}, a)
}

// TestDamagedPages damages every page of a ledger file in turn, in several
// ways, and checks that reading it never panics and that damage is either
// reported or harmless: a file that still verifies holds the original
// entries, or (when a header page was hit and bbolt fell back to the other
// one) a prefix of them.
func TestDamagedPages(t *testing.T) { forEachPageSize(t, damagePages) }

// forEachPageSize runs test over ledgers of the old 4 KiB pages (those
// made before 16 KiB) and of today's.
func forEachPageSize(t *testing.T, test func(*testing.T)) {
	for _, size := range []int{4 << 10, 16 << 10} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			old := newPageSize
			newPageSize = size
			t.Cleanup(func() { newPageSize = old })
			test(t)
		})
	}
}

func damagePages(t *testing.T) {
	l := createLedger(t)
	var want []*Entry
	for i := 1; i <= 600; i += 200 {
		want = append(want, appendEntries(t, l, i, 200)...)
	}
	// Cached records too, which writes read from inside their callback.
	records := map[string][]byte{}
	for i := range 40 {
		records[fmt.Sprintf("r%02d", i)] = bytes.Repeat([]byte{byte(i)}, 300)
	}
	require.NoError(t, l.Update(func(b *Batch) error { return b.PutState(records) }))
	require.NoError(t, l.Close())
	good := usedBytes(t, l.Path())
	pageSize := filePageSize(t, l.Path())

	// A fixed seed keeps CI repeatable; DAMAGE_SEED explores others.
	seed := uint64(20261127)
	if s, err := strconv.ParseUint(os.Getenv("DAMAGE_SEED"), 10, 64); err == nil {
		seed = s
	}
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	damages := []struct {
		name string
		do   func(page []byte)
	}{
		{"zeroed", func(p []byte) { clear(p) }},
		{"random", func(p []byte) {
			for i := range p {
				p[i] = byte(rng.Uint32())
			}
		}},
		{"one bit", func(p []byte) { p[rng.IntN(len(p))] ^= 1 << rng.IntN(8) }},
		{"header bytes", func(p []byte) {
			for i := range 16 {
				p[i] = byte(rng.Uint32())
			}
		}},
	}
	dir := t.TempDir()
	detected := 0
	for page := range len(good) / pageSize {
		for _, d := range damages {
			path := filepath.Join(dir, fmt.Sprintf("p%d-%s.db", page, d.name))
			data := append([]byte{}, good...)
			d.do(data[page*pageSize : (page+1)*pageSize])
			require.NoError(t, os.WriteFile(path, data, 0o600))

			err := readAll(t, path, want)
			if err != nil {
				detected++
				var ce *ChainError
				var le *Error
				require.True(t, errors.As(err, &ce) || errors.As(err, &le), "page %d %s: %T %v", page, d.name, err, err)
				require.NotContains(t, err.Error(), "\n")
			}
			// Writing to a damaged file must not panic either, nor reading
			// its cached records (a panic inside a callback is re-raised
			// as the caller's own; a damaged page is not that).
			if wl, err := Open(path, Options{Timeout: time.Second}); err == nil {
				_ = wl.Update(func(b *Batch) error {
					for name := range records {
						if _, _, err := b.StateRecord(name); err != nil {
							return err
						}
					}
					return b.Append(testEntry(10000))
				})
				_ = wl.StateRecords(func(string, []byte, uint64) error { return nil })
				_ = wl.Close()
			}
		}
	}
	t.Logf("%d pages, %d damaged copies reported", len(good)/pageSize, detected)
	assert.Positive(t, detected)
}

// readAll opens path read-only, verifies it and reads every entry. It
// returns the first error; if there is none, the entries must be want or a
// prefix of it.
func readAll(t *testing.T, path string, want []*Entry) error {
	t.Helper()
	l, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer l.Close()
	if err := l.Verify(nil); err != nil {
		return err
	}
	var got []*Entry
	if err := l.Scan(1, func(e *Entry) error { got = append(got, e); return nil }); err != nil {
		return err
	}
	if _, _, err := l.StateRecord("core"); err != nil {
		return err
	}
	for _, e := range got {
		_, ok, err := l.Lookup(e.ID)
		if err != nil {
			return fmt.Errorf("lookup %s: %w", e.ID, err)
		}
		require.True(t, ok, "%s: entry %s verified but its id is not found", path, e.ID)
	}
	require.LessOrEqual(t, len(got), len(want), "%s: more entries than written", path)
	for i := range got {
		require.Equal(t, want[i], got[i], "%s: entry %d silently changed", path, i+1)
	}
	return nil
}

// BenchmarkVerify1M verifies a journal of a million entries (built once,
// outside the timer).
func BenchmarkVerify1M(b *testing.B) {
	l := millionLedger(b)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		require.NoError(b, l.Verify(nil))
		b.ReportMetric(benchEntries/time.Since(start).Seconds(), "entries/s")
	}
}
