package debt

import (
	"fmt"
	"maps"
	"testing"

	"github.com/debtledger/debtledger/quota"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// propLine draws one plausible event over a small fixed world: two
// counties under a root, three bonds, a project per county. Many drawn
// events break a rule; Apply must refuse exactly those, and whatever it
// accepts must survive the cache.
func propLine(t *rapid.T, i int) string {
	units := []string{"6523", "652301", "652302"}
	bonds := []string{"G1", "S1", "R1"}
	day := fmt.Sprintf("2023-%02d-%02d", rapid.IntRange(2, 12).Draw(t, "month"), rapid.IntRange(1, 28).Draw(t, "day"))
	amount := fmt.Sprintf("%d万", rapid.IntRange(1, 50000).Draw(t, "amount"))
	unit := rapid.SampledFrom(units).Draw(t, "unit")
	child := rapid.SampledFrom(units[1:]).Draw(t, "child")
	bond := rapid.SampledFrom(bonds).Draw(t, "bond")
	id := fmt.Sprintf("e%d", i)
	switch rapid.IntRange(0, 9).Draw(t, "kind") {
	case 9:
		// Touches one county alone: a write must still move the totals
		// of the units above it.
		return fmt.Sprintf(`{"id":%q,"type":"repay","date":%q,"bond":"G0","unit":"652301","principal":%q,"interest":"0","source":"budget"}`, id, day, amount)
	case 0:
		return fmt.Sprintf(`{"id":%q,"type":"onlend","date":%q,"bond":%q,"to":"6523","amount":%q}`, id, day, bond, amount)
	case 1, 2:
		return fmt.Sprintf(`{"id":%q,"type":"onlend","date":%q,"bond":%q,"from":"6523","to":%q,"amount":%q}`, id, day, bond, child, amount)
	case 3:
		return fmt.Sprintf(`{"id":%q,"type":"repay","date":%q,"bond":%q,"unit":%q,"principal":%q,"interest":"1万","source":"budget"}`, id, day, bond, unit, amount)
	case 4:
		return fmt.Sprintf(`{"id":%q,"type":"repay","date":%q,"bond":"G0","unit":%q,"principal":%q,"interest":"0","source":"refinancing","refinancing_bond":"R1"}`, id, day, unit, amount)
	case 5:
		return fmt.Sprintf(`{"id":%q,"type":"allocate","date":%q,"bond":%q,"project":"P-%s","amount":%q}`, id, day, bond, child, amount)
	case 6:
		return fmt.Sprintf(`{"id":%q,"type":"spend","date":%q,"bond":%q,"project":"P-%s","amount":%q}`, id, day, bond, child, amount)
	case 7:
		if rapid.Bool().Draw(t, "hidden") {
			return fmt.Sprintf(`{"id":%q,"type":"hidden_resolve","date":%q,"unit":%q,"amount":"%d万","method":"asset_disposal"}`,
				id, day, child, rapid.IntRange(1, 200).Draw(t, "resolved"))
		}
		return fmt.Sprintf(`{"id":%q,"type":"quota","date":%q,"year":2023,"kind":%q,"from":"6523","to":%q,"amount":%q}`,
			id, day, rapid.SampledFrom([]string{"general", "special", "refinancing"}).Draw(t, "qkind"), child, amount)
	default:
		return fmt.Sprintf(`{"id":%q,"type":"reverse","date":%q,"entry":"e%d","reason":"test"}`, id, day, rapid.IntRange(0, i).Draw(t, "target"))
	}
}

const propWorld = `
{"id":"u1","type":"unit","date":"2023-01-01","code":"6523","name":"州"}
{"id":"u2","type":"unit","date":"2023-01-01","code":"652301","name":"市","parent":"6523"}
{"id":"u3","type":"unit","date":"2023-01-01","code":"652302","name":"县","parent":"6523"}
{"id":"l1","type":"limit","date":"2023-01-01","unit":"6523","kind":"general","amount":"10亿"}
{"id":"l2","type":"limit","date":"2023-01-01","unit":"6523","kind":"special","amount":"10亿"}
{"id":"l3","type":"limit","date":"2023-01-01","unit":"652301","kind":"general","amount":"3亿"}
{"id":"l4","type":"limit","date":"2023-01-01","unit":"652302","kind":"special","amount":"1亿"}
{"id":"q1","type":"quota","date":"2023-01-10","year":2023,"kind":"general","to":"6523","amount":"20亿"}
{"id":"q2","type":"quota","date":"2023-01-10","year":2023,"kind":"special","to":"6523","amount":"20亿"}
{"id":"q3","type":"quota","date":"2023-01-10","year":2023,"kind":"refinancing","to":"6523","amount":"20亿"}
{"id":"b0","type":"bond","date":"2018-03-01","code":"G0","name":"旧","kind":"general","purpose":"new","maturity":"2028-03-01","rate":"3.9","interest":"annual"}
{"id":"b1","type":"bond","date":"2023-02-01","code":"G1","name":"一般","kind":"general","purpose":"new","maturity":"2033-02-01","rate":"2.9","interest":"semiannual"}
{"id":"b2","type":"bond","date":"2023-02-01","code":"S1","name":"专项","kind":"special","purpose":"new","maturity":"2043-02-01","rate":"3.1","interest":"semiannual","amortization":[{"date":"2040-02-01","percent":"50"},{"date":"2043-02-01","percent":"50"}]}
{"id":"b3","type":"bond","date":"2023-02-01","code":"R1","name":"再融资","kind":"general","purpose":"refinancing","maturity":"2030-02-01","rate":"2.8","interest":"annual"}
{"id":"o1","type":"opening","date":"2023-01-01","bond":"G0","unit":"652301","principal":"2亿"}
{"id":"o2","type":"opening","date":"2023-01-01","bond":"G0","unit":"6523","principal":"3亿"}
{"id":"p1","type":"project","date":"2023-01-01","code":"P-652301","name":"路","unit":"652301","sector":"交通","kind":"general"}
{"id":"p2","type":"project","date":"2023-01-01","code":"P-652302","name":"园","unit":"652302","sector":"园区","kind":"special"}
{"id":"w0","type":"quota","date":"2023-01-10","year":2023,"kind":"general","from":"6523","to":"652301","amount":"1亿"}
{"id":"w1","type":"onlend","date":"2023-02-01","bond":"G1","to":"6523","amount":"2亿"}
{"id":"w2","type":"onlend","date":"2023-02-01","bond":"G1","from":"6523","to":"652301","amount":"0.5亿"}
{"id":"w3","type":"allocate","date":"2023-02-01","bond":"G1","project":"P-652301","amount":"0.3亿"}
{"id":"h1","type":"hidden_stock","date":"2023-01-01","unit":"652301","amount":"5000万"}
{"id":"h2","type":"hidden_stock","date":"2023-01-01","unit":"652302","amount":"3000万"}
{"id":"h3","type":"hidden_plan","date":"2023-01-05","unit":"652301","year":2023,"month":6,"amount":"1000万"}
{"id":"h4","type":"hidden_plan","date":"2023-01-05","unit":"652302","year":2023,"month":6,"amount":"500万"}
{"id":"h5","type":"budget","date":"2023-01-05","unit":"652301","year":2023,"item":"debt_service","amount":"2000万"}
{"id":"h6","type":"budget","date":"2023-01-05","unit":"652302","year":2023,"item":"hidden_resolution","amount":"800万"}
{"id":"h7","type":"hidden_resolve","date":"2023-01-20","unit":"652301","amount":"100万","method":"fiscal_funds"}
`

// TestPropertyCacheEqualsReplay: for random event sequences, the state
// rebuilt from the cached records answers like the state that applied the
// events, at random dates; and every accepted sequence passes the sweep,
// so write time and check agree.
func TestPropertyCacheEqualsReplay(t *testing.T) {
	total := 0
	defer func() { require.Positive(t, total, "the generator must produce accepted events") }()
	rapid.Check(t, func(rt *rapid.T) {
		b, events := New(), map[string]*quota.Event{}
		_, err := rtApply(t, b, events, propWorld)
		require.NoError(rt, err)
		// cache is the cached records as a write keeps them: each event
		// applied to a book that loads only the records it needs, and only
		// the records it changed written back.
		cache := b.Records(true)
		// kept applies every accepted line to one book, as an import does,
		// so that what a book caches between events is exercised.
		kept, keptEvents := cloneBook(rt, b), copyEvents(events)
		// imported applies every accepted line to one book loaded from the
		// cache as it stood before them, as one import into a ledger does,
		// and writes its records once, at the end.
		before := maps.Clone(cache)
		imported, importedEvents := lazyBook(rt, before), copyEvents(events)
		n := rapid.IntRange(1, 40).Draw(rt, "events")
		accepted := 0
		for i := 0; i < n; i++ {
			line := propLine(rt, i)
			trial, trialEvents := cloneBook(rt, b), copyEvents(events)
			if _, err := rtApply(t, trial, trialEvents, line); err != nil {
				continue // refused: the original book is untouched
			}
			requireFreshRefOrders(rt, trial)
			_, err := rtApply(t, kept, keptEvents, line)
			require.NoError(rt, err, "accepted by a fresh book, refused by one that applied every line")
			requireFreshRefOrders(rt, kept)
			_, err = rtApply(t, imported, importedEvents, line)
			require.NoError(rt, err, "accepted by a fresh book, refused by one that imports every line")
			lazy := lazyBook(rt, cache)
			_, err = rtApply(t, lazy, copyEvents(events), line)
			require.NoError(rt, err, "accepted by a full book, refused by one loaded as a write loads it")
			requireFreshRefOrders(rt, lazy)
			// What a write stores: the lazy book's records, taken apart
			// as they are encoded, in rounds of one unit each.
			recs := lazy.Records(false)
			final := finalRecordsByUnit(lazy)
			require.Equal(rt, recs, final, "records encoded while the book is taken apart")
			applyRecords(cache, final)
			b, events = trial, trialEvents
			accepted++
		}
		require.Equal(rt, b.Records(true), cache, "the cache kept by writes equals the replay")
		recs := imported.Records(false)
		final := finalRecordsByUnit(imported)
		require.Equal(rt, recs, final, "an import's records encoded while its book is taken apart")
		applyRecords(before, final)
		require.Equal(rt, b.Records(true), before, "the cache one import writes equals the replay")
		require.Equal(rt, b.Records(true), kept.Records(true), "a book that applied every line equals the replay")
		require.Empty(rt, b.Violations(), "an accepted sequence breaks no rule")
		cached := cloneBook(rt, b)
		for k := 0; k < 5; k++ {
			d := quota.NewDate(2023, rapid.IntRange(1, 12).Draw(rt, "qm"), rapid.IntRange(1, 28).Draw(rt, "qd"))
			for _, u := range []string{"6523", "652301", "652302"} {
				want, got := b.Balance(u, d, "bond"), cached.Balance(u, d, "bond")
				require.Equal(rt, mustJSON(rt, want), mustJSON(rt, got), "balance of %s on %s", u, d)
				var sum Figures
				for _, v := range b.Quota.Subtree(u) {
					own := b.OwnFigures(v, d)
					sum.add(quota.General, own.General.Decimal)
					sum.add(quota.Special, own.Special.Decimal)
				}
				require.True(rt, sum.Total.Equal(want.Subtree.Total.Decimal) && sum.General.Equal(want.Subtree.General.Decimal), "subtree total of %s on %s: %v, want %v", u, d, want.Subtree, sum)
				wantS := b.Statement(u, d.Period(), true)
				gotS := cached.Statement(u, d.Period(), true)
				require.Equal(rt, len(wantS), len(gotS))
			}
		}
		require.Equal(rt, b.Records(true), cached.Records(true))
		total += accepted
	})
}

// cloneBook round-trips a book through its cached records.
func cloneBook(t require.TestingT, b *Book) *Book {
	recs := b.Records(true)
	c, err := Load(recs[CoreRecord], func(name string) ([]byte, error) { return recs[name], nil })
	require.NoError(t, err)
	require.NoError(t, c.NeedAll())
	c.MarkAllDirty()
	return c
}

// lazyBook loads a book from cached records the way a write does: the
// core now, unit records as events need them, holdings packed.
// applyRecords writes records into cache as a write does (nil: delete).
func applyRecords(cache, records map[string][]byte) {
	for name, rec := range records {
		if rec == nil {
			delete(cache, name)
		} else {
			cache[name] = rec
		}
	}
}

// finalRecordsByUnit is b.FinalRecords, taking the book apart after each
// unit's records rather than each round's.
func finalRecordsByUnit(b *Book) map[string][]byte {
	defer func(old int) { releaseRound = old }(releaseRound)
	releaseRound = 1
	return b.FinalRecords()
}

func lazyBook(t require.TestingT, recs map[string][]byte) *Book {
	c, err := Load(recs[CoreRecord], func(name string) ([]byte, error) { return recs[name], nil })
	require.NoError(t, err)
	c.PackOnLoad()
	return c
}

func copyEvents(m map[string]*quota.Event) map[string]*quota.Event {
	c := make(map[string]*quota.Event, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func mustJSON(t require.TestingT, v interface{ MarshalJSON() ([]byte, error) }) string {
	b, err := v.MarshalJSON()
	require.NoError(t, err)
	return string(b)
}

// TestLoadRefusesOtherLayout: a cache written by another version of the
// records' layout is refused (the caller replays), never misread.
func TestLoadRefusesOtherLayout(t *testing.T) {
	b := New()
	_, err := rtApply(t, b, map[string]*quota.Event{}, propWorld)
	require.NoError(t, err)
	recs := b.Records(true)
	_, err = Load(recs[CoreRecord], func(name string) ([]byte, error) { return recs[name], nil })
	require.NoError(t, err)
	var w quota.Writer
	w.Uint(cacheLayout - 1)
	old := append(w.Bytes(), recs[CoreRecord][1:]...)
	_, err = Load(old, func(name string) ([]byte, error) { return recs[name], nil })
	require.ErrorContains(t, err, "layout")
}

// requireFreshRefOrders: the refinancing holdings a limit check reads at a
// date (refs.go) are exactly those whose proceeds are not applied in full
// for good by then, however the book came to its state.
func requireFreshRefOrders(t require.TestingT, b *Book) {
	for uk, refs := range b.RefBonds {
		for _, d := range []quota.Date{0, quota.NewDate(2023, 2, 28), quota.NewDate(2023, 3, 15), quota.NewDate(2023, 6, 30), quota.NewDate(2023, 12, 31)} {
			var want []*Holding
			for _, h := range refs {
				if !h.Free.ZeroFrom(d) {
					want = append(want, h)
				}
			}
			require.ElementsMatch(t, want, b.openRefs(uk, d), "open refinancing holdings of %v on %s", uk, d)
		}
	}
}
