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
