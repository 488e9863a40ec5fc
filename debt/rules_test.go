package debt

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/debtledger/debtledger/quota"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// rtBase is a small ledger every rule case starts from: a root with two
// counties, limits, 2023 quotas and a new general bond on-lent down.
const rtBase = `
{"id":"u1","type":"unit","date":"2023-01-01","code":"6523","name":"昌吉州"}
{"id":"u2","type":"unit","date":"2023-01-01","code":"652301","name":"昌吉市","parent":"6523"}
{"id":"u3","type":"unit","date":"2023-01-01","code":"652302","name":"阜康市","parent":"6523"}
{"id":"l1","type":"limit","date":"2023-01-01","unit":"6523","kind":"general","amount":"10亿"}
{"id":"l2","type":"limit","date":"2023-01-01","unit":"652301","kind":"general","amount":"2亿"}
{"id":"q1","type":"quota","date":"2023-01-15","year":2023,"kind":"general","to":"6523","amount":"5亿"}
{"id":"q2","type":"quota","date":"2023-01-20","year":2023,"kind":"general","from":"6523","to":"652301","amount":"3亿"}
{"id":"q3","type":"quota","date":"2023-01-15","year":2023,"kind":"refinancing","to":"6523","amount":"2亿"}
{"id":"q4","type":"quota","date":"2023-01-20","year":2023,"kind":"refinancing","from":"6523","to":"652301","amount":"2亿"}
{"id":"b1","type":"bond","date":"2023-02-20","code":"G1","name":"一般债券","kind":"general","purpose":"new","maturity":"2033-02-20","rate":"2.9","interest":"semiannual"}
{"id":"b2","type":"bond","date":"2018-03-01","code":"G0","name":"旧债","kind":"general","purpose":"new","maturity":"2023-03-01","rate":"3.9","interest":"annual"}
{"id":"b3","type":"bond","date":"2023-02-27","code":"R1","name":"再融资","kind":"general","purpose":"refinancing","maturity":"2030-02-27","rate":"2.8","interest":"annual"}
{"id":"o1","type":"opening","date":"2023-01-01","bond":"G0","unit":"652301","principal":"2亿"}
{"id":"ol1","type":"onlend","date":"2023-02-22","bond":"G1","to":"6523","amount":"5亿"}
{"id":"ol2","type":"onlend","date":"2023-02-25","bond":"G1","from":"6523","to":"652301","amount":"3亿"}
{"id":"p1","type":"project","date":"2023-02-26","code":"P1","name":"道路","unit":"652301","sector":"交通","kind":"general"}
{"id":"a1","type":"allocate","date":"2023-03-05","bond":"G1","project":"P1","amount":"2亿"}
{"id":"s1","type":"spend","date":"2023-04-20","project":"P1","bond":"G1","amount":"1亿"}
`

// rtRefinancingSettled: 652301 applies all its R1 proceeds, then receives
// R2, which makes its refinancing holdings be ordered while R1 is settled.
const rtRefinancingSettled = `{"id":"x","type":"onlend","date":"2023-02-27","bond":"R1","to":"6523","amount":"1亿"}
{"id":"y","type":"onlend","date":"2023-02-28","bond":"R1","from":"6523","to":"652301","amount":"1亿"}
{"id":"z","type":"repay","date":"2023-03-01","bond":"G0","unit":"652301","principal":"1亿","interest":"0","source":"refinancing","refinancing_bond":"R1"}
{"id":"r2","type":"bond","date":"2023-02-27","code":"R2","name":"再融资二","kind":"general","purpose":"refinancing","maturity":"2030-02-27","rate":"2.8","interest":"annual"}
{"id":"x2","type":"onlend","date":"2023-03-02","bond":"R2","to":"6523","amount":"0.5亿"}
{"id":"y2","type":"onlend","date":"2023-03-03","bond":"R2","from":"6523","to":"652301","amount":"0.5亿"}
`

// rtApply applies JSONL lines to b, returning the first error and its line.
func rtApply(t *testing.T, b *Book, events map[string]*quota.Event, jsonl string) (int, error) {
	t.Helper()
	b.SetFinder(func(id string) (*quota.Event, error) { return events[id], nil })
	for i, line := range strings.Split(strings.TrimSpace(jsonl), "\n") {
		dec := json.NewDecoder(bytes.NewReader([]byte(line)))
		dec.UseNumber()
		var obj map[string]any
		require.NoError(t, dec.Decode(&obj), line)
		ev, err := Decode(rtPlain(obj).(map[string]any))
		if err != nil {
			return i + 1, err
		}
		if err := b.Apply(ev); err != nil {
			return i + 1, err
		}
		events[ev.ID] = ev
	}
	return 0, nil
}

func rtPlain(v any) any {
	switch x := v.(type) {
	case json.Number:
		return quota.Number(x.String())
	case map[string]any:
		for k, e := range x {
			x[k] = rtPlain(e)
		}
	case []any:
		for i, e := range x {
			x[i] = rtPlain(e)
		}
	}
	return v
}

func rtBook(t *testing.T) (*Book, map[string]*quota.Event) {
	b, events := New(), map[string]*quota.Event{}
	_, err := rtApply(t, b, events, rtBase)
	require.NoError(t, err)
	require.Empty(t, b.Violations())
	return b, events
}

func TestRulesRefuse(t *testing.T) {
	cases := []struct {
		name  string
		lines string
		want  string // substring of the refusal; "" means accepted
	}{
		{"rule 1: repay more than owed", `{"id":"x","type":"repay","date":"2023-03-01","bond":"G0","unit":"652301","principal":"3亿","interest":"0","source":"budget"}`, "repay: 652301 would repay 1亿 more of bond G0"},
		{"rule 1: repay exactly what is owed", `{"id":"x","type":"repay","date":"2023-03-01","bond":"G0","unit":"652301","principal":"2亿","interest":"780万","source":"budget"}`, ""},
		{"rule 1 back-dated: a repayment before a later one leaves it short", `{"id":"x","type":"repay","date":"2023-06-01","bond":"G0","unit":"652301","principal":"1.5亿","interest":"0","source":"budget"}
{"id":"y","type":"repay","date":"2023-03-01","bond":"G0","unit":"652301","principal":"1亿","interest":"0","source":"budget"}`, "more of bond G0 than it owes, on 2023-06-01"},
		{"rule 2: on-lent beyond the county's limit", `{"id":"x","type":"opening","date":"2023-01-01","bond":"G0","unit":"652302","principal":"1亿"}`, "limit: 652302 general balance 1亿 would exceed its limit 0亿"},
		{"rule 2: passing down quota lowers the passer's limit", `{"id":"x","type":"quota","date":"2023-03-01","year":2023,"kind":"general","from":"6523","to":"652302","amount":"2亿"}
{"id":"x2","type":"quota","date":"2023-03-01","year":2024,"kind":"general","to":"6523","amount":"0"}`, ""},
		{"rule 2: unapplied refinancing proceeds do not use limit", `{"id":"x","type":"onlend","date":"2023-02-27","bond":"R1","to":"6523","amount":"2亿"}
{"id":"y","type":"onlend","date":"2023-02-28","bond":"R1","from":"6523","to":"652301","amount":"2亿"}
{"id":"z","type":"repay","date":"2023-03-01","bond":"G0","unit":"652301","principal":"2亿","interest":"0","source":"refinancing","refinancing_bond":"R1"}`, ""},
		// A refinancing holding applied in full, then reopened (by more
		// proceeds, or by reversing the application), credits the limit
		// again: the order of refinancing holdings that limit checks
		// read (refs.go) must follow every change of their proceeds.
		{"rule 2: refinancing proceeds received again after being applied", rtRefinancingSettled + `{"id":"x3","type":"onlend","date":"2023-03-05","bond":"R1","to":"6523","amount":"0.5亿"}
{"id":"y3","type":"onlend","date":"2023-03-06","bond":"R1","from":"6523","to":"652301","amount":"0.5亿"}`, ""},
		{"rule 2: refinancing application reversed after being applied", rtRefinancingSettled + `{"id":"w","type":"reverse","date":"2023-03-10","entry":"z","reason":"错误"}`, ""},
		{"rule 3: on-lent into the root beyond its quota", `{"id":"x","type":"bond","date":"2023-05-10","code":"G2","name":"二期","kind":"general","purpose":"new","maturity":"2033-05-10","rate":"2.9","interest":"annual"}
{"id":"y","type":"onlend","date":"2023-05-12","bond":"G2","to":"6523","amount":"0.5亿"}`, "quota: 6523 would have 5.5亿 of 2023 new general bonds on-lent in against 5亿"},
		{"rule 3: refinancing bonds use the refinancing scale", `{"id":"x","type":"onlend","date":"2023-02-27","bond":"R1","to":"6523","amount":"2.5亿"}`, "2023 refinancing bonds"},
		{"rule 4: apply more refinancing proceeds than received", `{"id":"x","type":"onlend","date":"2023-02-27","bond":"R1","to":"6523","amount":"2亿"}
{"id":"y","type":"onlend","date":"2023-02-28","bond":"R1","from":"6523","to":"652301","amount":"1亿"}
{"id":"z","type":"repay","date":"2023-03-01","bond":"G0","unit":"652301","principal":"2亿","interest":"0","source":"refinancing","refinancing_bond":"R1"}`, "than its unapplied proceeds"},
		{"repay: refinancing bond must be of purpose refinancing", `{"id":"x","type":"repay","date":"2023-03-01","bond":"G0","unit":"652301","principal":"1亿","interest":"0","source":"refinancing","refinancing_bond":"G1"}`, "not a general refinancing bond"},
		{"repay: interest from refinancing refused", `{"id":"x","type":"repay","date":"2023-03-01","bond":"G0","unit":"652301","principal":"1亿","interest":"1","source":"refinancing","refinancing_bond":"R1"}`, "interest and fee must be 0"},
		{"repay: nothing repaid", `{"id":"x","type":"repay","date":"2023-03-01","bond":"G0","unit":"652301","principal":"0","interest":"0","source":"budget"}`, "at least one"},
		{"repay: before the value date", `{"id":"x","type":"repay","date":"2023-02-01","bond":"G1","unit":"6523","principal":"0","interest":"1","source":"budget"}`, "before bond G1's value date"},
		{"onlend: from must be the parent", `{"id":"x","type":"onlend","date":"2023-03-01","bond":"G1","from":"652301","to":"652302","amount":"1"}`, "not the parent"},
		{"onlend: from the superior only to the root", `{"id":"x","type":"onlend","date":"2023-03-01","bond":"G1","to":"652301","amount":"1"}`, "not the root"},
		{"onlend: pass down more than received net", `{"id":"x","type":"onlend","date":"2023-03-01","bond":"G1","from":"6523","to":"652301","amount":"2.5亿"}`, "6523 would owe"},
		{"onlend: allocated funds are not passed down", `{"id":"x","type":"onlend","date":"2023-03-10","bond":"G1","from":"652301","to":"652301","amount":"1"}`, "not the parent"},
		{"opening: after on-lending of the bond", `{"id":"x","type":"opening","date":"2023-03-01","bond":"G1","unit":"652301","principal":"1"}`, "opening must come first"},
		{"opening: once per bond and unit", `{"id":"x","type":"opening","date":"2023-01-01","bond":"G0","unit":"652301","principal":"1"}`, "once only"},
		{"limit: after bond events", `{"id":"x","type":"limit","date":"2023-01-01","unit":"652301","kind":"special","amount":"1"}`, "must come before them"},
		{"allocate: more than received net", `{"id":"x","type":"allocate","date":"2023-03-06","bond":"G1","project":"P1","amount":"1.5亿"}`, "allocate: 652301 would allocate 3.5亿 of bond G1"},
		{"allocate: a refinancing bond", `{"id":"x","type":"allocate","date":"2023-03-06","bond":"R1","project":"P1","amount":"1"}`, "refinancing bond"},
		{"allocate: across kinds", `{"id":"x","type":"project","date":"2023-03-01","code":"P2","name":"园区","unit":"652301","sector":"园区","kind":"special"}
{"id":"y","type":"allocate","date":"2023-03-06","bond":"G1","project":"P2","amount":"1"}`, "is general but project P2 is special"},
		{"allocate: unknown project", `{"id":"x","type":"allocate","date":"2023-03-06","bond":"G1","project":"P9","amount":"1"}`, "project P9 is not registered"},
		{"spend: over allocation", `{"id":"x","type":"spend","date":"2023-05-01","project":"P1","bond":"G1","amount":"1.01亿"}`, "spend: project P1 would have spent 2.01亿"},
		{"spend back-dated before its allocation", `{"id":"x","type":"spend","date":"2023-03-01","project":"P1","bond":"G1","amount":"1"}`, "on 2023-03-01"},
		{"hidden: resolve over stock", `{"id":"x","type":"hidden_stock","date":"2023-01-01","unit":"652302","amount":"1亿"}
{"id":"y","type":"hidden_resolve","date":"2023-03-01","unit":"652302","amount":"1.1亿","method":"fiscal_funds"}`, "hidden: 652302 would have resolved 1.1亿"},
		{"hidden: unknown method", `{"id":"x","type":"hidden_resolve","date":"2023-03-01","unit":"652302","amount":"1","method":"magic"}`, "is not one of"},
		{"hidden_plan: twice for a month", `{"id":"x","type":"hidden_plan","date":"2023-01-01","unit":"652302","year":2023,"month":3,"amount":"1"}
{"id":"y","type":"hidden_plan","date":"2023-01-02","unit":"652302","year":"2023","month":"03","amount":"2"}`, "once only"},
		{"budget: twice", `{"id":"x","type":"budget","date":"2023-01-01","unit":"6523","year":2023,"item":"debt_service","amount":"1"}
{"id":"y","type":"budget","date":"2023-01-02","unit":"6523","year":2023,"item":"debt_service","amount":"2"}`, "once only"},
		{"close: then a line inside the closed month", `{"id":"x","type":"close","date":"2023-05-01","period":"2023-04"}
{"id":"y","type":"hidden_stock","date":"2023-04-30","unit":"652302","amount":"1"}`, "closed: 2023-04-30 is in a closed period"},
		{"close: registrations are exempt", `{"id":"x","type":"close","date":"2023-05-01","period":"2023-04"}
{"id":"y","type":"unit","date":"2023-01-01","code":"652303","name":"呼图壁县","parent":"6523"}`, ""},
		{"close: dated before the period's end", `{"id":"x","type":"close","date":"2023-04-29","period":"2023-04"}`, "before the last day of 2023-04"},
		{"reverse: on-lending that funds an allocation", `{"id":"x","type":"reverse","date":"2023-04-01","entry":"ol2","reason":"错误"}`, "6523"},
		{"reverse: spending then allocation", `{"id":"x","type":"reverse","date":"2023-05-01","entry":"s1","reason":"错误"}
{"id":"y","type":"reverse","date":"2023-05-01","entry":"a1","reason":"错误"}`, ""},
		{"reverse: allocation still spent", `{"id":"x","type":"reverse","date":"2023-05-01","entry":"a1","reason":"错误"}`, "spend: project P1 would have spent 1亿 of bond G1 against 0亿"},
		{"reverse: twice", `{"id":"x","type":"reverse","date":"2023-05-01","entry":"s1","reason":"错误"}
{"id":"y","type":"reverse","date":"2023-05-02","entry":"s1","reason":"错误"}`, "already reversed"},
		{"reverse: dated before the original", `{"id":"x","type":"reverse","date":"2023-04-01","entry":"s1","reason":"错误"}`, "before entry s1's date"},
		{"reverse: a reversal", `{"id":"x","type":"reverse","date":"2023-05-01","entry":"s1","reason":"错误"}
{"id":"y","type":"reverse","date":"2023-05-02","entry":"x","reason":"错误"}`, "cannot be reversed"},
		{"reverse: a registration that is named", `{"id":"x","type":"reverse","date":"2023-05-01","entry":"u3","reason":"错误"}`, ""},
		{"reverse: a unit named by a limit", `{"id":"x","type":"reverse","date":"2023-05-01","entry":"u2","reason":"错误"}`, "unit 652301 is named by"},
		{"reverse: unknown entry", `{"id":"x","type":"reverse","date":"2023-05-01","entry":"nope","reason":"错误"}`, "not in the ledger"},
		{"reverse: a quota the county used", `{"id":"x","type":"reverse","date":"2023-03-01","entry":"q2","reason":"错误"}`, "quota: 652301"},
		{"reverse: a limit, then record it again", `{"id":"x","type":"bond","date":"2023-01-01","code":"S1","name":"专项","kind":"special","purpose":"new","maturity":"2033-01-01","rate":"3","interest":"annual"}
{"id":"y","type":"limit","date":"2023-01-01","unit":"652302","kind":"special","amount":"1亿"}
{"id":"z","type":"reverse","date":"2023-02-01","entry":"y","reason":"错误"}
{"id":"w","type":"limit","date":"2023-02-01","unit":"652302","kind":"special","amount":"2亿"}`, ""},
		{"once-only again dated before the reversal", `{"id":"y","type":"limit","date":"2023-01-01","unit":"652302","kind":"special","amount":"1亿"}
{"id":"z","type":"reverse","date":"2023-02-01","entry":"y","reason":"错误"}
{"id":"w","type":"limit","date":"2023-01-31","unit":"652302","kind":"special","amount":"2亿"}`, "before the reversal"},
		{"unit: second root", `{"id":"x","type":"unit","date":"2023-01-01","code":"65","name":"新疆"}`, "already has its root 6523"},
		{"unit: unknown parent", `{"id":"x","type":"unit","date":"2023-01-01","code":"652399","name":"某县","parent":"6599"}`, "parent 6599"},
		{"bond: amortization not summing to 100", `{"id":"x","type":"bond","date":"2023-05-10","code":"S9","name":"专项","kind":"special","purpose":"new","maturity":"2043-05-10","rate":"3.1","interest":"semiannual","amortization":[{"date":"2039-05-10","percent":"25"},{"date":"2043-05-10","percent":"70"}]}`, "sum to 95"},
		{"bond: matures before its value date", `{"id":"x","type":"bond","date":"2023-05-10","code":"S9","name":"专项","kind":"special","purpose":"new","maturity":"2023-05-10","rate":"3.1","interest":"annual"}`, "not after its value date"},
		{"bond: TOTAL", `{"id":"x","type":"bond","date":"2023-05-10","code":"TOTAL","name":"专项","kind":"special","purpose":"new","maturity":"2033-05-10","rate":"3.1","interest":"annual"}`, "TOTAL is not a valid bond code"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, events := rtBook(t)
			_, err := rtApply(t, b, events, tc.lines)
			if tc.want == "" {
				require.NoError(t, err)
				requireFreshRefOrders(t, b)
				require.Empty(t, b.Violations(), "an accepted ledger must pass the sweep")
				return
			}
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.want)
		})
	}
}

// A back-dated line must not break a later date already in the ledger, and
// the sweep must find a state that breaks a rule however it was built.
func TestSweepFindsWhatWriteTimeRefuses(t *testing.T) {
	b, _ := rtBook(t)
	h := b.Holding("G0", "652301")
	h.Principal.Add(quota.NewDate(2023, 7, 1), h.Principal.Final().Neg().Sub(decimal.NewFromInt(1)))
	v := b.Violations()
	require.NotEmpty(t, v)
	require.Equal(t, "balance", v[0].Rule)
}

// The sweep proves subtree totals against the units' own principal, which
// a comparison of the cache with a replay (both built by the same code)
// could not.
func TestSweepFindsWrongSubtreeTotal(t *testing.T) {
	b, _ := rtBook(t)
	require.Empty(t, b.Violations())
	quota.Figure(b.Subtree, quota.UnitKind{Unit: "6523", Kind: "general"}).Add(quota.NewDate(2023, 4, 1), decimal.NewFromInt(1))
	v := b.Violations()
	require.Len(t, v, 1)
	require.Equal(t, "balance", v[0].Rule)
	require.Contains(t, v[0].Message, "6523's subtree general principal")
	require.Contains(t, v[0].Message, "2023-04-01")
}

// TestRepaymentReversedBeyondLimit: a budget repayment needs no limit
// check (it only lowers the balance), but its reversal raises the balance
// again, after the room it made may have been given away: rule 2 must be
// checked then.
func TestRepaymentReversedBeyondLimit(t *testing.T) {
	const lines = `
{"id":"u1","type":"unit","date":"2023-01-01","code":"R","name":"州"}
{"id":"u2","type":"unit","date":"2023-01-01","code":"C","name":"县","parent":"R"}
{"id":"l1","type":"limit","date":"2023-01-01","unit":"R","kind":"general","amount":"0.8亿"}
{"id":"q1","type":"quota","date":"2023-01-15","year":2023,"kind":"general","to":"R","amount":"1亿"}
{"id":"b1","type":"bond","date":"2023-02-20","code":"G","name":"一般债券","kind":"general","purpose":"new","maturity":"2033-02-20","rate":"2.9","interest":"annual"}
{"id":"ol1","type":"onlend","date":"2023-02-22","bond":"G","to":"R","amount":"1亿"}
{"id":"r1","type":"repay","date":"2023-03-01","bond":"G","unit":"R","principal":"0.5亿","interest":"0","source":"budget"}
{"id":"q2","type":"quota","date":"2023-03-02","year":2023,"kind":"general","from":"R","to":"C","amount":"1亿"}
`
	b, events := New(), map[string]*quota.Event{}
	_, err := rtApply(t, b, events, lines)
	require.NoError(t, err, "R's balance 0.5亿 within its limit 0.8亿 after passing quota down")
	require.Empty(t, b.Violations())
	_, err = rtApply(t, b, events, `{"id":"x","type":"reverse","date":"2023-03-03","entry":"r1","reason":"错误"}`)
	require.ErrorContains(t, err, "limit: R general balance 1亿 would exceed its limit 0.8亿")
}
