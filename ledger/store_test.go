package ledger

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// testEntry is entry i of the test journals: realistic sizes, non-ASCII
// text, an id that sorts in append order.
func testEntry(i int) *Entry {
	return &Entry{
		ID:         fmt.Sprintf("e-%06d", i),
		Type:       "issue",
		Date:       "2023-03-15",
		Doc:        "新财预〔2023〕12号",
		Memo:       fmt.Sprintf("memo %d", i),
		Body:       fmt.Appendf(nil, `{"amount":"%d.00","unit":"U%03d"}`, i*1000, i%7),
		Actor:      "alice",
		RecordedAt: "2026-11-27T14:55:53Z",
	}
}

// newLedger creates an empty ledger in a fresh directory. Its cleanup
// closes it and verifies the file, so that every test using it also proves
// it left a sound journal (as bbolt's tests run tx.Check at cleanup).
func newLedger(tb testing.TB) *Ledger {
	tb.Helper()
	l := createLedger(tb)
	tb.Cleanup(func() {
		require.NoError(tb, l.Close())
		ro, err := Open(l.Path(), Options{ReadOnly: true})
		require.NoError(tb, err)
		defer ro.Close()
		require.NoError(tb, ro.Verify(nil), "ledger left unsound")
	})
	return l
}

// createLedger creates an empty ledger whose cleanup only closes it: for
// tests that damage the file on purpose.
func createLedger(tb testing.TB) *Ledger {
	tb.Helper()
	l, err := Create(filepath.Join(tb.TempDir(), "test.db"))
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = l.Close() })
	return l
}

// ledgerFile makes a closed ledger file holding entries 1..n and returns
// its path; its cleanup verifies the file.
func ledgerFile(tb testing.TB, n int) string {
	tb.Helper()
	l := createLedger(tb)
	appendEntries(tb, l, 1, n)
	require.NoError(tb, l.Close())
	tb.Cleanup(func() {
		ro, err := Open(l.Path(), Options{ReadOnly: true})
		require.NoError(tb, err)
		defer ro.Close()
		require.NoError(tb, ro.Verify(nil), "ledger left unsound")
	})
	return l.Path()
}

// appendEntries appends testEntry(from) .. testEntry(from+n-1) in one Update.
func appendEntries(tb testing.TB, l *Ledger, from, n int) []*Entry {
	tb.Helper()
	var out []*Entry
	require.NoError(tb, l.Update(func(b *Batch) error {
		for i := from; i < from+n; i++ {
			e := testEntry(i)
			if err := b.Append(e); err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	}))
	return out
}

func fileSum(tb testing.TB, path string) [32]byte {
	tb.Helper()
	data, err := os.ReadFile(path)
	require.NoError(tb, err)
	return sha256.Sum256(data)
}

// reopen closes l and opens its file again.
func reopen(tb testing.TB, l *Ledger, opt Options) *Ledger {
	tb.Helper()
	require.NoError(tb, l.Close())
	l2, err := Open(l.Path(), opt)
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = l2.Close() })
	return l2
}

func requireCode(tb testing.TB, err error, code ErrorCode) *Error {
	tb.Helper()
	var le *Error
	require.ErrorAs(tb, err, &le)
	require.Equal(tb, code, le.Code, "error: %v", err)
	return le
}

func TestCreateMode(t *testing.T) {
	// The mode must be 0600 whatever the umask: a permissive one must not
	// widen it, a strict one must not leave the owner unable to write.
	for _, umask := range []int{0o000, 0o022, 0o277} {
		t.Run(fmt.Sprintf("umask %03o", umask), func(t *testing.T) {
			old := syscall.Umask(umask)
			defer syscall.Umask(old)
			path := filepath.Join(t.TempDir(), "l.db")
			l, err := Create(path)
			require.NoError(t, err)
			defer l.Close()
			fi, err := os.Stat(path)
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
			seq, hash, err := l.Head()
			require.NoError(t, err)
			assert.Zero(t, seq)
			assert.Zero(t, hash)
			assert.Equal(t, path, l.Path())
		})
	}
}

func TestCreateRefusesExisting(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func(t *testing.T, path string)
	}{
		{"ledger", func(t *testing.T, path string) {
			l, err := Create(path)
			require.NoError(t, err)
			appendEntries(t, l, 1, 3)
			require.NoError(t, l.Close())
		}},
		{"empty file", func(t *testing.T, path string) {
			require.NoError(t, os.WriteFile(path, nil, 0o644))
		}},
		{"other file", func(t *testing.T, path string) {
			require.NoError(t, os.WriteFile(path, []byte("precious"), 0o644))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "l.db")
			tc.make(t, path)
			before := fileSum(t, path)
			l, err := Create(path)
			assert.Nil(t, l)
			requireCode(t, err, Exists)
			assert.ErrorIs(t, err, ErrExists)
			assert.EqualError(t, err, path+": already exists")
			assert.Equal(t, before, fileSum(t, path))
		})
	}
}

func TestOpenMissing(t *testing.T) {
	for _, ro := range []bool{false, true} {
		t.Run(fmt.Sprintf("readonly=%v", ro), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "none.db")
			l, err := Open(path, Options{ReadOnly: ro})
			assert.Nil(t, l)
			requireCode(t, err, NoLedger)
			assert.ErrorIs(t, err, ErrNoLedger)
			assert.EqualError(t, err, "no ledger at "+path+" (run debtledger init)")
			assert.NoFileExists(t, path)
		})
	}
}

func TestOpenLocked(t *testing.T) {
	for _, tc := range []struct {
		holder, opener bool // ReadOnly of the two opens
		locked         bool
	}{
		{false, false, true},
		{false, true, true},
		{true, false, true},
		{true, true, false},
	} {
		t.Run(fmt.Sprintf("holder ro=%v opener ro=%v", tc.holder, tc.opener), func(t *testing.T) {
			path := ledgerFile(t, 1)
			holder, err := Open(path, Options{ReadOnly: tc.holder})
			require.NoError(t, err)
			defer holder.Close()

			start := time.Now()
			other, err := Open(path, Options{ReadOnly: tc.opener, Timeout: 200 * time.Millisecond})
			if !tc.locked {
				require.NoError(t, err)
				require.NoError(t, other.Close())
				return
			}
			assert.Nil(t, other)
			requireCode(t, err, Locked)
			assert.ErrorIs(t, err, ErrLocked)
			assert.EqualError(t, err, path+": ledger is in use by another process (waited 200ms)")
			assert.Less(t, time.Since(start), 2*time.Second)
		})
	}
}

func TestOpenDamaged(t *testing.T) {
	// A ledger big enough that cutting it in half loses journal pages.
	src := createLedger(t)
	appendEntries(t, src, 1, 2000)
	require.NoError(t, src.Close())
	good := usedBytes(t, src.Path())
	pageSizeOfGood := filePageSize(t, src.Path())

	garbage := make([]byte, 64<<10)
	for i := range garbage {
		garbage[i] = byte(i*7919 + i>>8)
	}
	for _, tc := range []struct {
		name   string
		make   func(t *testing.T, path string)
		detail string
	}{
		{"empty file", writeFile(nil), "empty file"},
		{"short file", writeFile([]byte("hello")), ""},
		{"garbage", writeFile(garbage), "not a bbolt database"},
		{"truncated ledger", writeFile(good[:len(good)/2]), "truncated"},
		{"directory", func(t *testing.T, path string) { require.NoError(t, os.Mkdir(path, 0o700)) }, "directory"},
		{"bbolt file, no buckets", func(t *testing.T, path string) {
			db, err := bolt.Open(path, 0o600, nil)
			require.NoError(t, err)
			require.NoError(t, db.Close())
		}, `no "journal" bucket`},
		{"other format", func(t *testing.T, path string) {
			require.NoError(t, os.WriteFile(path, good, 0o600))
			db, err := bolt.Open(path, 0o600, nil)
			require.NoError(t, err)
			require.NoError(t, db.Update(func(tx *bolt.Tx) error {
				return tx.Bucket(bucketMeta).Put(keyFormat, []byte("debtledger-journal/9"))
			}))
			require.NoError(t, db.Close())
		}, "unknown format"},
		{"zeroed header pages", func(t *testing.T, path string) {
			data := append([]byte{}, good...)
			clear(data[:2*pageSizeOfGood])
			require.NoError(t, os.WriteFile(path, data, 0o600))
		}, "not a bbolt database"},
	} {
		for _, ro := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s readonly=%v", tc.name, ro), func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "l.db")
				tc.make(t, path)
				l, err := Open(path, Options{ReadOnly: ro})
				assert.Nil(t, l)
				le := requireCode(t, err, Corrupt)
				assert.ErrorIs(t, err, ErrCorrupt)
				assert.Contains(t, le.Error(), path+": not a readable ledger: ")
				assert.Contains(t, le.Msg, tc.detail)
				assert.NotContains(t, le.Error(), "\n")
			})
		}
	}
}

// usedBytes reads the part of a ledger file that holds pages (bbolt grows
// files ahead of need).
func usedBytes(t *testing.T, path string) []byte {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	require.NoError(t, err)
	var size int64
	require.NoError(t, db.View(func(tx *bolt.Tx) error { size = tx.Size(); return nil }))
	require.NoError(t, db.Close())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data[:size]
}

// filePageSize is the page size of the bbolt file at path.
func filePageSize(t *testing.T, path string) int {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	require.NoError(t, err)
	defer db.Close()
	return db.Info().PageSize
}

func writeFile(data []byte) func(t *testing.T, path string) {
	return func(t *testing.T, path string) {
		require.NoError(t, os.WriteFile(path, data, 0o600))
	}
}

func TestReadOnlyLeavesFileUnchanged(t *testing.T) {
	path := ledgerFile(t, 50)
	before := fileSum(t, path)

	ro, err := Open(path, Options{ReadOnly: true})
	require.NoError(t, err)
	_, _, err = ro.Head()
	require.NoError(t, err)
	_, err = ro.Get(7)
	require.NoError(t, err)
	_, ok, err := ro.Lookup("e-000009")
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, ro.Scan(1, func(*Entry) error { return nil }))
	_, _, err = ro.StateRecord("core")
	require.NoError(t, err)
	require.NoError(t, ro.Verify(nil))
	_, _, err = ro.Backup(filepath.Join(t.TempDir(), "b.db"), false)
	require.NoError(t, err)
	err = ro.Update(func(b *Batch) error { return b.Append(testEntry(51)) })
	requireCode(t, err, IO)
	assert.Contains(t, err.Error(), "read-only")
	require.NoError(t, ro.Close())
	assert.Equal(t, before, fileSum(t, path))
}

func TestGet(t *testing.T) {
	l := newLedger(t)
	want := appendEntries(t, l, 1, 10)
	for _, tc := range []struct {
		seq   uint64
		found bool
	}{{0, false}, {1, true}, {5, true}, {10, true}, {11, false}, {1 << 63, false}} {
		t.Run(fmt.Sprint(tc.seq), func(t *testing.T) {
			e, err := l.Get(tc.seq)
			if !tc.found {
				assert.ErrorIs(t, err, ErrNotFound)
				assert.Nil(t, e)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, want[tc.seq-1], e)
		})
	}
}

func TestLookup(t *testing.T) {
	l := newLedger(t)
	want := appendEntries(t, l, 1, 10)
	for _, tc := range []struct {
		id   string
		want *Entry
	}{{"e-000001", want[0]}, {"e-000010", want[9]}, {"e-000011", nil}, {"", nil}, {string(make([]byte, 40000)), nil}} {
		e, ok, err := l.Lookup(tc.id)
		require.NoError(t, err)
		assert.Equal(t, tc.want != nil, ok)
		assert.Equal(t, tc.want, e)
	}
}

func TestScan(t *testing.T) {
	l := newLedger(t)
	want := appendEntries(t, l, 1, 20)
	for _, tc := range []struct {
		from uint64
		want []*Entry
	}{{0, want}, {1, want}, {7, want[6:]}, {20, want[19:]}, {21, nil}, {1000, nil}} {
		t.Run(fmt.Sprint(tc.from), func(t *testing.T) {
			var got []*Entry
			require.NoError(t, l.Scan(tc.from, func(e *Entry) error {
				got = append(got, e)
				return nil
			}))
			assert.Equal(t, tc.want, got)
		})
	}

	stop := errors.New("stop")
	n := 0
	err := l.Scan(1, func(*Entry) error {
		if n++; n == 3 {
			return stop
		}
		return nil
	})
	assert.Same(t, stop, err)
	assert.Equal(t, 3, n)

	assert.PanicsWithValue(t, "callback", func() {
		_ = l.Scan(1, func(*Entry) error { panic("callback") })
	}, "a panic in the callback is the caller's, not a damaged file")
	_, _, err = l.Head()
	assert.NoError(t, err, "ledger still usable after a callback panic")
}

func TestClosed(t *testing.T) {
	l := createLedger(t)
	require.NoError(t, l.Close())
	_, _, err := l.Head()
	requireCode(t, err, IO)
	assert.EqualError(t, err, l.Path()+": ledger is closed")
	err = l.Update(func(*Batch) error { return nil })
	requireCode(t, err, IO)
}

// BenchmarkScan1M reads back a journal of a million entries (built once,
// outside the timer) and reports entries per second.
func BenchmarkScan1M(b *testing.B) {
	l := millionLedger(b)
	b.ResetTimer()
	for range b.N {
		n := 0
		start := time.Now()
		require.NoError(b, l.Scan(1, func(*Entry) error { n++; return nil }))
		require.Equal(b, benchEntries, n)
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "entries/s")
	}
}
