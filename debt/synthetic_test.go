package debt

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"

	"github.com/debtledger/debtledger/quota"
	"github.com/stretchr/testify/require"
)

// TestSyntheticLedger: every prefix of the generator's output is a valid
// ledger, and its cache (encoded by every core at once, as after a large
// import; run with -race) loads back to the same records.
func TestSyntheticLedger(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Synthesize(&buf, 60000, 7))
	b, events := New(), map[string]*quota.Event{}
	b.SetFinder(func(id string) (*quota.Event, error) { return events[id], nil })
	types := map[string]int{}
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		n++
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.UseNumber()
		var obj map[string]any
		require.NoError(t, dec.Decode(&obj))
		ev, err := Decode(rtPlain(obj).(map[string]any))
		require.NoError(t, err, "line %d", n)
		require.NoError(t, b.Apply(ev), "line %d", n)
		events[ev.ID] = ev
		types[ev.Type]++
	}
	require.GreaterOrEqual(t, len(types), 15, "nearly every event type: %v", types)
	require.Equal(t, 60000, n)
	require.Greater(t, len(b.Quota.Units), 128, "enough units for Records to share them out")
	recs := b.Records(true)
	require.Equal(t, recs, cloneBook(t, b).Records(true))
	require.Empty(t, b.Violations())
}

// BenchmarkRules is the single writer's share of an import, in process:
// every rule of a synthetic national ledger's events, decoded beforehand.
// It is what bounds import speed (the parsing core and the write to the
// file come on top); ns/event here is the number to lower.
//
//	go test ./debt -run '^$' -bench Rules -benchtime 3x
func BenchmarkRules(b *testing.B) {
	const n = 200_000
	var buf bytes.Buffer
	require.NoError(b, Synthesize(&buf, n, 1))
	var events []*quota.Event
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.UseNumber()
		var obj map[string]any
		require.NoError(b, dec.Decode(&obj))
		ev, err := Decode(rtPlain(obj).(map[string]any))
		require.NoError(b, err)
		events = append(events, ev)
	}
	byID := map[string]*quota.Event{}
	for _, ev := range events {
		byID[ev.ID] = ev
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		book := New()
		book.SetFinder(func(id string) (*quota.Event, error) { return byID[id], nil })
		for i, ev := range events {
			if err := book.Apply(ev); err != nil {
				b.Fatalf("event %d: %v", i, err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(events)), "ns/event")
}
