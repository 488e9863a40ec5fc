package debt_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/debtledger/debtledger/debt"
	"github.com/debtledger/debtledger/quota"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// changjiScenario is the demo scenario written by testdata/changji/gen.go:
// Changji Prefecture's debt in the first half of 2023.
const changjiScenario = "../testdata/changji-2023h1.jsonl"

// changjiNumbers turns json.Number (from UseNumber) into quota.Number, as
// the journal's reader does, at any depth.
func changjiNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		return quota.Number(x.String())
	case []any:
		for i := range x {
			x[i] = changjiNumbers(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = changjiNumbers(x[k])
		}
	}
	return v
}

// changjiBook applies every line of the scenario, in order, failing on the
// first refusal.
func changjiBook(t *testing.T) *debt.Book {
	t.Helper()
	f, err := os.Open(filepath.FromSlash(changjiScenario))
	require.NoError(t, err)
	defer f.Close()

	b := debt.New()
	byID := map[string]*quota.Event{}
	b.SetFinder(func(id string) (*quota.Event, error) { return byID[id], nil })
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		d := json.NewDecoder(strings.NewReader(line))
		d.UseNumber()
		var obj map[string]any
		require.NoError(t, d.Decode(&obj), "line %d", n)
		ev, err := debt.Decode(changjiNumbers(obj).(map[string]any))
		require.NoError(t, err, "line %d: %s", n, line)
		require.NoError(t, b.Apply(ev), "line %d: %s", n, line)
		byID[ev.ID] = ev
	}
	require.NoError(t, sc.Err())
	require.Greater(t, n, 0, "empty scenario")
	return b
}

// changjiFlatten turns the report's JSON into "section.key" → text: amounts
// as their strings, counts as their digits.
func changjiFlatten(t *testing.T, r *debt.Report) map[string]string {
	t.Helper()
	raw, err := json.Marshal(r)
	require.NoError(t, err)
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var obj map[string]any
	require.NoError(t, d.Decode(&obj))
	out := map[string]string{}
	for section, v := range obj {
		inner, ok := v.(map[string]any)
		if !ok {
			continue
		}
		for k, x := range inner {
			switch y := x.(type) {
			case string:
				out[section+"."+k] = y
			case json.Number:
				out[section+"."+k] = y.String()
			default:
				t.Fatalf("report %s.%s is %T", section, k, x)
			}
		}
	}
	return out
}

func changjiDate(t *testing.T, s string) quota.Date {
	t.Helper()
	d, err := quota.ParseDate(s)
	require.NoError(t, err)
	return d
}

// TestChangjiScenario proves the demo scenario keeps every rule and that
// the half-year report reproduces every figure of shared/seed/FIGURES.md
// to the fen.
func TestChangjiScenario(t *testing.T) {
	b := changjiBook(t)
	require.Empty(t, b.Violations())

	r := b.Report("6523", changjiDate(t, "2023-01-01"), changjiDate(t, "2023-06-30"))
	got := changjiFlatten(t, r)

	figures := []struct{ key, want string }{
		{"quota.general", "2133000000.00"},
		{"quota.special", "4149000000.00"},
		{"quota.refinancing", "2230000000.00"},
		{"received.total", "5459000000.00"},
		{"received.new_general", "1390000000.00"},
		{"received.new_special", "2439000000.00"},
		{"received.refinancing", "1630000000.00"},
		{"received.batches", "3"},
		{"repaid.fee", "0.00"},
		{"repaid.total", "2737000000.00"},
		{"balance.end", "58483000000.00"},
		{"projects.general", "38"},
		{"projects.special", "53"},
		{"bond_funds.allocated", "3829000000.00"},
		{"bond_funds.spent", "1443000000.00"},
		{"debt_service.budget", "5557000000.00"},
		{"hidden.budget", "2646000000.00"},
		{"hidden.resolved", "1111000000.00"},
		{"hidden.planned", "1111000000.00"},
	}
	for _, f := range figures {
		v, ok := got[f.key]
		if !ok {
			t.Errorf("report has no %s", f.key)
			continue
		}
		if v != f.want {
			t.Errorf("%s = %s, want %s", f.key, v, f.want)
		}
	}

	// The sums FIGURES.md states, over the report's own figures.
	sum := func(keys ...string) string {
		total := decimal.Zero
		for _, k := range keys {
			d, err := decimal.NewFromString(got[k])
			require.NoError(t, err, "%s = %q", k, got[k])
			total = total.Add(d)
		}
		return total.StringFixed(2)
	}
	sums := []struct {
		what string
		keys []string
		want string
	}{
		{"new-debt quota (62.82亿)", []string{"quota.general", "quota.special"}, "6282000000.00"},
		{"bonds received (54.59亿)", []string{"received.new_general", "received.new_special", "received.refinancing"}, "5459000000.00"},
		{"received.total", []string{"received.total"}, sum("received.new_general", "received.new_special", "received.refinancing")},
		{"new bond funds received (38.29亿)", []string{"received.new_general", "received.new_special"}, "3829000000.00"},
		{"new bond funds allocated = received", []string{"bond_funds.allocated"}, sum("received.new_general", "received.new_special")},
		{"principal and interest repaid (27.37亿)", []string{"repaid.principal", "repaid.interest"}, "2737000000.00"},
		{"repaid.total", []string{"repaid.total"}, sum("repaid.principal", "repaid.interest", "repaid.fee")},
		{"bond and hidden-debt P&I arranged (38.48亿)", []string{"repaid.total", "hidden.resolved"}, "3848000000.00"},
	}
	for _, s := range sums {
		if g := sum(s.keys...); g != s.want {
			t.Errorf("%s: %s = %s, want %s", s.what, strings.Join(s.keys, " + "), g, s.want)
		}
	}
}
