package ledger

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAppendChain(t *testing.T) {
	l := newLedger(t)
	var prev [32]byte
	for batch, sizes := range [][2]int{{1, 3}, {4, 1}, {5, 5}} {
		require.NoError(t, l.Update(func(b *Batch) error {
			for i := sizes[0]; i < sizes[0]+sizes[1]; i++ {
				e := testEntry(i)
				require.NoError(t, b.Append(e))
				assert.Equal(t, uint64(i), e.Seq, "batch %d", batch)
				assert.Equal(t, prev, e.Prev)
				assert.Equal(t, e.ComputeHash(), e.Hash)
				seq, hash := b.Head()
				assert.Equal(t, e.Seq, seq)
				assert.Equal(t, e.Hash, hash)
				assert.Equal(t, i-sizes[0]+1, b.Appended())
				prev = e.Hash
			}
			return nil
		}))
	}
	seq, hash, err := l.Head()
	require.NoError(t, err)
	assert.Equal(t, uint64(9), seq)
	assert.Equal(t, prev, hash)
}

func TestBatchLookup(t *testing.T) {
	l := newLedger(t)
	committed := appendEntries(t, l, 1, 3)
	require.NoError(t, l.Update(func(b *Batch) error {
		e := testEntry(4)
		require.NoError(t, b.Append(e))
		for _, tc := range []struct {
			id   string
			want *Entry
		}{
			{"e-000002", committed[1]},
			{"e-000004", e}, // appended in this very batch
			{"e-000005", nil},
		} {
			got, ok, err := b.Lookup(tc.id)
			require.NoError(t, err)
			assert.Equal(t, tc.want != nil, ok, tc.id)
			assert.Equal(t, tc.want, got, tc.id)
		}
		return nil
	}))
	e, ok, err := l.Lookup("e-000004")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, uint64(4), e.Seq)
}

// TestPendingIDs exercises the in-batch id index on its own: ids in order,
// then out of order (which switches to the hash table).
func TestPendingIDs(t *testing.T) {
	b := &Batch{sorted: true}
	ids := []string{"b", "d", "f", "c", "a", "e"}
	for i, id := range ids {
		_, found := b.pendingSeq(id)
		require.False(t, found, id)
		b.addPending(id, uint64(i+1))
		assert.Equal(t, i < 3, b.sorted, "after %q", id)
		for j, old := range ids[:i+1] {
			seq, found := b.pendingSeq(old)
			require.True(t, found, "%q after adding %q", old, id)
			assert.Equal(t, uint64(j+1), seq)
		}
		for _, absent := range []string{"", "0", "bb", "z"} {
			_, found := b.pendingSeq(absent)
			assert.False(t, found, absent)
		}
	}
}

func TestUnsortedBatch(t *testing.T) {
	l := newLedger(t)
	appendEntries(t, l, 50, 1)
	order := []int{5, 3, 9, 1, 7, 2, 8, 4, 6}
	require.NoError(t, l.Update(func(b *Batch) error {
		for _, i := range order {
			require.NoError(t, b.Append(testEntry(i)))
		}
		for k, i := range order {
			e, ok, err := b.Lookup(testEntry(i).ID)
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, uint64(k+2), e.Seq)
			assert.ErrorIs(t, b.Append(testEntry(i)), ErrDuplicateID)
		}
		assert.ErrorIs(t, b.Append(testEntry(50)), ErrDuplicateID)
		return nil
	}))
	for k, i := range order {
		e, ok, err := l.Lookup(testEntry(i).ID)
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, uint64(k+2), e.Seq)
	}
}

func TestAppendRefuses(t *testing.T) {
	with := func(f func(e *Entry)) *Entry {
		e := testEntry(100)
		f(e)
		return e
	}
	for _, tc := range []struct {
		name  string
		entry *Entry
		want  string
	}{
		{"id committed before", testEntry(2), `id "e-000002" is already in the ledger (entry 2)`},
		{"id earlier in the batch", testEntry(4), `id "e-000004" is already in the ledger (entry 4)`},
		{"nil entry", nil, "nil entry"},
		{"empty id", with(func(e *Entry) { e.ID = "" }), "empty id"},
		{"huge id", with(func(e *Entry) { e.ID = string(bytes.Repeat([]byte("x"), 40000)) }), "id longer than"},
		{"memo not UTF-8", with(func(e *Entry) { e.Memo = "caf\xe9" }), "memo is not valid UTF-8"},
		{"empty body", with(func(e *Entry) { e.Body = nil }), "body is not one JSON object"},
		{"array body", with(func(e *Entry) { e.Body = []byte(`[1]`) }), "body is not one JSON object"},
		{"two objects", with(func(e *Entry) { e.Body = []byte(`{}{}`) }), "body is not one JSON object"},
		{"body with trailing space", with(func(e *Entry) { e.Body = []byte(`{} `) }), "body is not one JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLedger(t)
			appendEntries(t, l, 1, 3)
			before := fileSum(t, l.Path())
			err := l.Update(func(b *Batch) error {
				require.NoError(t, b.Append(testEntry(4)))
				err := b.Append(tc.entry)
				require.ErrorContains(t, err, tc.want)
				if tc.entry != nil {
					assert.Zero(t, tc.entry.Seq, "a refused entry is left as it was")
				}
				seq, _ := b.Head()
				assert.Equal(t, uint64(4), seq, "a refused entry changes nothing")
				// The batch goes on after a refusal.
				require.NoError(t, b.Append(testEntry(5)))
				return err
			})
			require.ErrorContains(t, err, tc.want)
			assert.Equal(t, before, fileSum(t, l.Path()), "a failed Update writes nothing")
		})
	}
}

func TestDuplicateIsErrDuplicateID(t *testing.T) {
	l := newLedger(t)
	appendEntries(t, l, 1, 1)
	err := l.Update(func(b *Batch) error { return b.Append(testEntry(1)) })
	assert.ErrorIs(t, err, ErrDuplicateID)
}

func TestUpdateWritesNothing(t *testing.T) {
	boom := errors.New("boom")
	for _, tc := range []struct {
		name string
		fn   func(b *Batch) error
		err  error
	}{
		{"error after appends", func(b *Batch) error {
			for i := 4; i < 100; i++ {
				if err := b.Append(testEntry(i)); err != nil {
					return err
				}
			}
			if err := b.PutState(map[string][]byte{"s": []byte("state")}); err != nil {
				return err
			}
			return boom
		}, boom},
		{"no change", func(b *Batch) error {
			_, _, err := b.Lookup("e-000001")
			return err
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLedger(t)
			appendEntries(t, l, 1, 3)
			before := fileSum(t, l.Path())
			err := l.Update(tc.fn)
			if tc.err == nil {
				assert.NoError(t, err)
			} else {
				assert.Same(t, tc.err, err)
			}
			assert.Equal(t, before, fileSum(t, l.Path()))
			seq, _, err := l.Head()
			require.NoError(t, err)
			assert.Equal(t, uint64(3), seq)
		})
	}
}

func TestUpdatePanics(t *testing.T) {
	l := newLedger(t)
	appendEntries(t, l, 1, 3)
	before := fileSum(t, l.Path())
	assert.PanicsWithValue(t, "caller bug", func() {
		_ = l.Update(func(b *Batch) error {
			require.NoError(t, b.Append(testEntry(4)))
			panic("caller bug")
		})
	})
	assert.Equal(t, before, fileSum(t, l.Path()))
	appendEntries(t, l, 4, 1) // still usable
}

func TestBatchOutsideUpdate(t *testing.T) {
	l := newLedger(t)
	var kept *Batch
	require.NoError(t, l.Update(func(b *Batch) error {
		kept = b
		return b.Append(testEntry(1))
	}))
	assert.Error(t, kept.Append(testEntry(2)))
	_, _, err := kept.Lookup("e-000001")
	assert.Error(t, err)
}

func TestState(t *testing.T) {
	l := newLedger(t)
	blob, seq, err := l.StateRecord("s")
	require.NoError(t, err)
	assert.Nil(t, blob)
	assert.Zero(t, seq)

	big := bytes.Repeat([]byte("0123456789abcdef"), 110<<20/16) // 110 MiB
	for _, tc := range []struct {
		name    string
		appends int
		blob    []byte // nil: no PutState
		want    []byte
		seq     uint64
	}{
		{"state with entries", 3, []byte("s1"), []byte("s1"), 3},
		{"entries only: state stays", 2, nil, []byte("s1"), 3},
		{"state only", 0, []byte("s2"), []byte("s2"), 5},
		{"empty state", 0, []byte{}, []byte{}, 5},
		{"large state", 1, big, big, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seq, _, err := l.Head()
			require.NoError(t, err)
			appendEntries(t, l, int(seq)+1, tc.appends)
			if tc.blob != nil {
				require.NoError(t, l.Update(func(b *Batch) error {
					return b.PutState(map[string][]byte{"s": tc.blob})
				}))
			}
			blob, seq, err = l.StateRecord("s")
			require.NoError(t, err)
			assert.True(t, bytes.Equal(tc.want, blob), "blob of %d bytes", len(blob))
			assert.NotNil(t, blob)
			assert.Equal(t, tc.seq, seq)
		})
	}
}

// benchEntries is the journal size the performance budget is stated for.
const benchEntries = 1_000_000

// benchEntry is entry i with a body of about 150 bytes, built cheaply so
// that the benchmark measures the ledger, not fmt. Its id is "imp-" and i,
// zero-padded to seven digits if sorted (ids then ascend with i).
func benchEntry(i int, sorted bool) *Entry {
	n := strconv.Itoa(i)
	id := "imp-" + n
	if sorted {
		id = "imp-" + strings.Repeat("0", max(7-len(n), 0)) + n
	}
	body := make([]byte, 0, 160)
	body = append(body, `{"amount":"`...)
	body = append(body, n...)
	body = append(body, `00.00","bond":"B2023-`...)
	body = append(body, n...)
	body = append(body, `","kind":"general","rate":"3.30","term":10,"unit":"U0042","year":2023,"note":"on-lent to county"}`...)
	return &Entry{
		ID: id, Type: "issue", Date: "2023-03-15", Doc: "新财预〔2023〕12号",
		Body: body, Actor: "alice", RecordedAt: "2026-11-27T14:55:53Z",
	}
}

func appendMillion(tb testing.TB, l *Ledger, sorted bool) {
	require.NoError(tb, l.Update(func(b *Batch) error {
		for i := 1; i <= benchEntries; i++ {
			if err := b.Append(benchEntry(i, sorted)); err != nil {
				return err
			}
		}
		return b.PutState(map[string][]byte{"core": []byte(`{"cached":true}`)})
	}))
}

// millionLedger builds a journal of benchEntries entries for the read
// benchmarks.
func millionLedger(b *testing.B) *Ledger {
	l, err := Create(filepath.Join(b.TempDir(), "bench.db"))
	require.NoError(b, err)
	b.Cleanup(func() { _ = l.Close() })
	appendMillion(b, l, false)
	return l
}

// BenchmarkAppend1M appends a million entries in one Update and reports
// the rate, the file size per entry and the memory the Go runtime took from
// the system. Run it with -benchtime=1x; "unsorted" ids arrive out of
// order ("imp-10" < "imp-9"), the slower case.
func BenchmarkAppend1M(b *testing.B) {
	for _, sorted := range []bool{false, true} {
		b.Run(map[bool]string{false: "unsorted", true: "sorted"}[sorted], func(b *testing.B) {
			benchmarkAppend(b, sorted)
		})
	}
}

func benchmarkAppend(b *testing.B, sorted bool) {
	for range b.N {
		b.StopTimer()
		l, err := Create(filepath.Join(b.TempDir(), "bench.db"))
		require.NoError(b, err)
		b.StartTimer()

		start := time.Now()
		appendMillion(b, l, sorted)
		elapsed := time.Since(start)

		b.StopTimer()
		fi, err := os.Stat(l.Path())
		require.NoError(b, err)
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(benchEntries/elapsed.Seconds(), "entries/s")
		b.ReportMetric(float64(fi.Size())/benchEntries, "file-bytes/entry")
		b.ReportMetric(float64(ms.Sys)/(1<<20), "go-sys-MiB")
		require.NoError(b, l.Close())
		b.StartTimer()
	}
}

// TestReserve: a batch that made room ahead writes exactly what one that
// grew as it went writes, with more appends than reserved too.
func TestReserve(t *testing.T) {
	heads := map[int][32]byte{}
	for _, reserve := range []int{-1, 0, 10, 50} {
		l := newLedger(t)
		require.NoError(t, l.Update(func(b *Batch) error {
			b.Reserve(reserve)
			for i := 1; i <= 30; i++ {
				if err := b.Append(testEntry(i)); err != nil {
					return err
				}
			}
			// An id appended before is still found after the room ran out.
			_, ok, err := b.Lookup(testEntry(3).ID)
			require.True(t, ok)
			return err
		}))
		_, hash, err := l.Head()
		require.NoError(t, err)
		heads[reserve] = hash
		e, ok, err := l.Lookup(testEntry(30).ID)
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, uint64(30), e.Seq)
	}
	for _, reserve := range []int{0, 10, 50} {
		assert.Equal(t, heads[-1], heads[reserve], "reserve %d", reserve)
	}
}

// TestPendingLatestFirst: an unsorted batch finds its latest ids without
// indexing them all, and every other id (or its absence) through the
// index, which a look-up beyond the latest builds.
// unsortedLatest runs check on a batch holding entries of order (ids
// out of order) appended as an import appends them, with pendingSeq
// scanning only the latest 3.
func unsortedLatest(t *testing.T, order []int, check func(b *Batch)) {
	old := recentIDs
	recentIDs = 3
	t.Cleanup(func() { recentIDs = old })
	l := newLedger(t)
	require.NoError(t, l.Update(func(b *Batch) error {
		// Appends from one encoder, which vouches for each id being new
		// (as an import's are): none of them looks the batch up.
		en, err := b.NewEncoder()
		require.NoError(t, err)
		defer en.Close()
		for _, i := range order {
			x, err := en.Encode(testEntry(i))
			require.NoError(t, err)
			_, _, err = b.AppendEncoded(&x)
			require.NoError(t, err)
		}
		assert.Zero(t, b.indexed)
		check(b)
		return nil
	}))
}

func TestPendingLatestFirst(t *testing.T) {
	order := []int{5, 3, 9, 1, 7, 2, 8, 4, 6}
	unsortedLatest(t, order, func(b *Batch) {
		for k := len(order) - 1; k >= len(order)-3; k-- {
			e, ok, err := b.Lookup(testEntry(order[k]).ID)
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, uint64(k+1), e.Seq)
		}
		assert.Zero(t, b.indexed, "the latest found without an index")
		e, ok, err := b.Lookup(testEntry(order[0]).ID)
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, uint64(1), e.Seq)
		assert.Equal(t, len(order), b.indexed, "an older one indexes them all")
		_, ok, err = b.Lookup(testEntry(77).ID)
		require.NoError(t, err)
		assert.False(t, ok)
		for _, i := range order {
			assert.ErrorIs(t, b.Append(testEntry(i)), ErrDuplicateID)
		}
	})
}

// TestSortedIDs: the two-core sort of a large batch's ids orders them as
// one sort does, duplicates side by side.
func TestSortedIDs(t *testing.T) {
	b := &Batch{}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 40000 {
		id := fmt.Sprintf("id-%d", rng.IntN(30000)) // some twice
		b.order = append(b.order, pendingID{off: len(b.idText), n: len(id), seq: uint64(i)})
		b.idText = append(b.idText, id...)
	}
	cmp := func(x, y pendingID) int { return bytes.Compare(b.idOf(x), b.idOf(y)) }
	want := slices.Clone(b.order)
	slices.SortStableFunc(want, cmp)
	got := sortedIDs(slices.Clone(b.order), cmp)
	require.Len(t, got, len(want))
	for i := range want {
		require.Equal(t, string(b.idOf(want[i])), string(b.idOf(got[i])), "position %d", i)
	}
}

// TestPendingScanBudget: look-ups found deep in the latest appends, time
// after time, end up building the index rather than scanning on.
func TestPendingScanBudget(t *testing.T) {
	order := []int{5, 3, 9, 1, 7, 2, 8, 4, 6}
	unsortedLatest(t, order, func(b *Batch) {
		deep := testEntry(order[len(order)-3]).ID // three compares each
		// Sixteen times the 9 ids held is 144 compares: 48 scans.
		for k := 0; k < 49; k++ {
			e, ok, err := b.Lookup(deep)
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, uint64(len(order)-2), e.Seq)
			if k < 48 {
				assert.Zero(t, b.indexed, "look-up %d scans", k)
			}
		}
		assert.Equal(t, len(order), b.indexed, "the 49th builds the index")
	})
}
