package debt

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/debtledger/debtledger/quota"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const examples = "../testdata/examples"

// numbersAsQuota turns json.Number (from UseNumber) into quota.Number, as
// the journal's reader does, leaving arrays and objects as they are.
func numbersAsQuota(v any) any {
	switch x := v.(type) {
	case json.Number:
		return quota.Number(x.String())
	case []any:
		for i := range x {
			x[i] = numbersAsQuota(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = numbersAsQuota(x[k])
		}
	}
	return v
}

// bookFrom applies JSONL lines in order, failing the test on any refusal.
func bookFrom(t *testing.T, lines ...string) *Book {
	t.Helper()
	b := New()
	byID := map[string]*quota.Event{}
	b.SetFinder(func(id string) (*quota.Event, error) { return byID[id], nil })
	for n, line := range lines {
		if strings.TrimSpace(line) == "" {
			continue
		}
		d := json.NewDecoder(strings.NewReader(line))
		d.UseNumber()
		var obj map[string]any
		require.NoError(t, d.Decode(&obj), "line %d", n+1)
		ev, err := Decode(numbersAsQuota(obj).(map[string]any))
		require.NoError(t, err, "line %d: %s", n+1, line)
		require.NoError(t, b.Apply(ev), "line %d: %s", n+1, line)
		byID[ev.ID] = ev
	}
	return b
}

func smallLines(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(examples, "small.jsonl"))
	require.NoError(t, err)
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	require.NoError(t, sc.Err())
	return lines
}

func smallBook(t *testing.T, extra ...string) *Book {
	t.Helper()
	return bookFrom(t, append(smallLines(t), extra...)...)
}

func day(t *testing.T, s string) quota.Date {
	t.Helper()
	d, err := quota.ParseDate(s)
	require.NoError(t, err)
	return d
}

// assertJSON compares got, marshalled, with want by value.
func assertJSON(t *testing.T, want []byte, got any) {
	t.Helper()
	raw, err := json.Marshal(got)
	require.NoError(t, err)
	var w, g any
	require.NoError(t, json.Unmarshal(want, &w))
	require.NoError(t, json.Unmarshal(raw, &g), "%s", raw)
	assert.Equal(t, w, g, "got %s", raw)
}

// statementCSV is the statement as `statement` writes it.
func statementCSV(t *testing.T, rows []StatementRow) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, WriteStatementCSV(&buf, rows))
	return buf.String()
}

func TestSmallExpected(t *testing.T) {
	b := smallBook(t)
	expected := filepath.Join(examples, "small.expected")
	tests := []struct {
		file string
		got  func() any    // JSON answers
		csv  func() string // CSV answers
	}{
		{file: "balance-6523-2022-12-31.json", got: func() any { return b.Balance("6523", day(t, "2022-12-31"), "") }},
		{file: "balance-6523-2023-06-30-by-unit.json", got: func() any { return b.Balance("6523", day(t, "2023-06-30"), "unit") }},
		{file: "balance-652301-2023-02-28-by-bond.json", got: func() any { return b.Balance("652301", day(t, "2023-02-28"), "bond") }},
		{file: "report-6523-2023H1.json", got: func() any { return b.Report("6523", day(t, "2023-01-01"), day(t, "2023-06-30")) }},
		{file: "schedule-652301-month.json", got: func() any {
			return b.Schedule(ScheduleQuery{Unit: "652301", AsOf: day(t, "2023-06-30"), From: day(t, "2023-07-01"), To: day(t, "2025-12-31")})
		}},
		{file: "schedule-6523-subtree-year.json", got: func() any {
			return b.Schedule(ScheduleQuery{Unit: "6523", Subtree: true, AsOf: day(t, "2023-06-30"), From: day(t, "2023-07-01"), To: day(t, "2030-12-31"), ByYear: true})
		}},
		{file: "statement-652301-2023-03.csv", csv: func() string { return statementCSV(t, b.Statement("652301", quota.NewPeriod(2023, 3), false)) }},
		{file: "statement-6523-2023-02-subtree.csv", csv: func() string { return statementCSV(t, b.Statement("6523", quota.NewPeriod(2023, 2), true)) }},
	}
	entries, err := os.ReadDir(expected)
	require.NoError(t, err)
	covered := map[string]bool{}
	for _, tc := range tests {
		covered[tc.file] = true
		t.Run(tc.file, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(expected, tc.file))
			require.NoError(t, err)
			if tc.csv != nil {
				assert.Equal(t, string(want), tc.csv())
				return
			}
			assertJSON(t, want, tc.got())
		})
	}
	for _, e := range entries {
		assert.True(t, covered[e.Name()], "expected answer %s has no test", e.Name())
	}
}

func TestCouponDates(t *testing.T) {
	tests := []struct {
		name     string
		value    string
		maturity string
		interest string
		want     []string
	}{
		{"semiannual from a month's end clamps, then returns to the 31st", "2023-08-31", "2025-08-31", "semiannual",
			[]string{"2024-02-29", "2024-08-31", "2025-02-28", "2025-08-31"}},
		{"annual from 29 February", "2024-02-29", "2027-01-15", "annual",
			[]string{"2025-02-28", "2026-02-28", "2027-01-15"}},
		{"short last period ends at maturity", "2023-02-20", "2024-05-01", "semiannual",
			[]string{"2023-08-20", "2024-02-20", "2024-05-01"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bd := &Bond{ValueDate: day(t, tc.value), Maturity: day(t, tc.maturity), Interest: tc.interest}
			var got []string
			for _, d := range bd.CouponDates() {
				got = append(got, d.String())
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestPrincipalDue(t *testing.T) {
	pct := func(s string) decimal.Decimal { return decimal.RequireFromString(s) }
	bd := &Bond{ValueDate: day(t, "2020-01-01"), Maturity: day(t, "2023-01-01"), Amortization: []Step{
		{day(t, "2023-01-01"), pct("33.3334")},
		{day(t, "2021-01-01"), pct("33.3333")},
		{day(t, "2022-01-01"), pct("33.3333")},
	}}
	tests := []struct {
		name      string
		principal string
		asOf      string
		want      []string // date:amount
	}{
		{"the last date takes the remainder", "100.00", "2020-06-30",
			[]string{"2021-01-01:33.33", "2022-01-01:33.33", "2023-01-01:33.34"}},
		{"half-up to the fen", "0.03", "2020-06-30",
			[]string{"2021-01-01:0.01", "2022-01-01:0.01", "2023-01-01:0.01"}},
		{"dates left share in proportion to their percents", "100.01", "2021-01-01",
			[]string{"2022-01-01:50.00", "2023-01-01:50.01"}},
		{"nothing after maturity", "5.00", "2023-01-01", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			sum := decimal.Zero
			for _, f := range bd.PrincipalDue(pct(tc.principal), day(t, tc.asOf)) {
				got = append(got, f.Date.String()+":"+quota.FormatAmount(f.Principal))
				sum = sum.Add(f.Principal)
			}
			assert.Equal(t, tc.want, got)
			if got != nil {
				assert.True(t, sum.Equal(pct(tc.principal)), "shares add up to %s, not %s", sum, tc.principal)
			}
		})
	}
}

func TestScheduleAmortization(t *testing.T) {
	// 10亿 at 3.10% semiannual, 25% each on four dates: the coupon falls
	// with the principal repaid before it.
	b := smallBook(t)
	rows := b.Schedule(ScheduleQuery{Unit: "6523", AsOf: day(t, "2023-06-30"), From: day(t, "2039-01-01"), To: day(t, "2043-12-31"), ByYear: true})
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%s %s %s", r.Period, quota.FormatAmount(r.Principal), quota.FormatAmount(r.Interest)))
	}
	// Every other bond of 6523's own has matured by 2039.
	assert.Equal(t, []string{
		"2039 250000000.00 27125000.00", // 15.5M on 05-10 (before that day's repayment), 11.625M on 11-10
		"2040 250000000.00 19375000.00", // 11.625M + 7.75M
		"2041 250000000.00 11625000.00", // 7.75M + 3.875M
		"2042 0.00 7750000.00",          // 3.875M × 2
		"2043 250000000.00 3875000.00",
	}, got)
}

func TestReportReversalCountsNegative(t *testing.T) {
	b := smallBook(t,
		`{"id":"rev-1","type":"reverse","date":"2023-07-10","entry":"r-2019G01-i","reason":"付息金额有误"}`,
		`{"id":"rev-2","type":"reverse","date":"2023-07-12","entry":"s-P002","reason":"支出凭证退回"}`,
	)
	r := b.Report("6523", day(t, "2023-07-01"), day(t, "2023-07-31"))
	raw, err := json.Marshal(r)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(raw, &got))
	assert.Equal(t, map[string]any{"principal": "0.00", "interest": "-66000000.00", "fee": "0.00", "total": "-66000000.00"}, got["repaid"])
	assert.Equal(t, map[string]any{"allocated": "0.00", "spent": "-250000000.00"}, got["bond_funds"])
	assert.Equal(t, "0.00", got["received"].(map[string]any)["total"])
	assert.Equal(t, "7600000000.00", got["balance"].(map[string]any)["end"])

	// The statement shows the reversal negative in the original's column,
	// in the month of the reversal.
	assert.Equal(t, strings.Join([]string{
		"bond,kind,purpose,opening_principal,received,passed_down,principal_repaid,interest_paid,closing_principal",
		"B2019G01,general,new,2000000000.00,0.00,0.00,0.00,-66000000.00,2000000000.00",
		"B2020S01,special,new,3000000000.00,0.00,0.00,0.00,0.00,3000000000.00",
		"B2023G01,general,new,200000000.00,0.00,0.00,0.00,0.00,200000000.00",
		"B2023S01,special,new,1000000000.00,0.00,0.00,0.00,0.00,1000000000.00",
		"TOTAL,,,6200000000.00,0.00,0.00,0.00,-66000000.00,6200000000.00",
		"",
	}, "\n"), statementCSV(t, b.Statement("6523", quota.NewPeriod(2023, 7), false)))
}

func TestReportProse(t *testing.T) {
	b := smallBook(t)
	r := b.Report("6523", day(t, "2023-01-01"), day(t, "2023-06-30"))
	zh := r.Prose("zh", b)
	for _, want := range []string{
		"2023年，经自治区人民政府批准，自治区财政厅下达昌吉州新增地方政府债务限额25.00亿元，其中：新增一般债务10.00亿元，新增专项债务15.00亿元；下达昌吉州再融资债券规模3.00亿元。",
		"截至6月底，共收到自治区转贷的地方政府债券18.00亿元，其中：新增一般债券6.00亿元，新增专项债券10.00亿元，再融资债券2.00亿元；共偿还到期本息2.74亿元，地方政府法定债务余额76.00亿元。",
		"1-6月，收到自治区转贷的新增地方政府债券资金16.00亿元",
		"按计划化解隐性债务0.80亿元，为计划的80.00%",
	} {
		assert.Contains(t, zh, want)
	}
	en := r.Prose("en", b)
	assert.Regexp(t, `(?m)^Statutory debt balance at end +7600000000\.00$`, en)
	assert.Regexp(t, `(?m)^Issue batches of new bonds +2$`, en)
}

func TestUsageQueries(t *testing.T) {
	b := smallBook(t)
	asOf := day(t, "2023-06-30")
	tests := []struct {
		name string
		got  any
		want string
	}{
		{"projects of 652301's subtree funded by B2023G01", b.ProjectsReport("652301", "B2023G01", "", asOf),
			`{"unit":"652301","bond":"B2023G01","as_of":"2023-06-30","projects":[{"code":"P001","name":"昌吉市城区道路改造工程","unit":"652301","sector":"交通","kind":"general","bonds":["B2023G01"],"allocated":"300000000.00","spent":"100000000.00","progress":"33.33"}],"total":{"projects":1,"allocated":"300000000.00","spent":"100000000.00","progress":"33.33"}}`},
		{"no project funded by a refinancing bond", b.ProjectsReport("", "B2023R01", "", asOf),
			`{"bond":"B2023R01","as_of":"2023-06-30","projects":[],"total":{"projects":0,"allocated":"0.00","spent":"0.00","progress":"0.00"}}`},
		{"projects by sector", b.ProjectsReport("", "", "", asOf).BySector(),
			`[{"key":"交通","projects":1,"allocated":"300000000.00","spent":"100000000.00","progress":"33.33"},{"key":"市政和产业园区基础设施","projects":1,"allocated":"600000000.00","spent":"250000000.00","progress":"41.67"}]`},
		{"hidden debt before the resolution", b.HiddenReport("6523", 2023, day(t, "2023-03-29")),
			`{"unit":"6523","year":2023,"as_of":"2023-03-29","units":[{"unit":"652302","name":"阜康市","stock":"400000000.00","unresolved":"400000000.00","planned":"100000000.00","resolved":"0.00","progress_vs_plan":"0.00","progress_vs_stock":"0.00","by_method":[]}],"total":{"stock":"400000000.00","unresolved":"400000000.00","planned":"100000000.00","resolved":"0.00","progress_vs_plan":"0.00","progress_vs_stock":"0.00","by_method":[]}}`},
		{"hidden debt at half year", b.HiddenReport("652302", 2023, asOf),
			`{"unit":"652302","year":2023,"as_of":"2023-06-30","units":[{"unit":"652302","name":"阜康市","stock":"400000000.00","unresolved":"320000000.00","planned":"100000000.00","resolved":"80000000.00","progress_vs_plan":"80.00","progress_vs_stock":"20.00","by_method":[{"method":"fiscal_funds","amount":"80000000.00"}]}],"total":{"stock":"400000000.00","unresolved":"320000000.00","planned":"100000000.00","resolved":"80000000.00","progress_vs_plan":"80.00","progress_vs_stock":"20.00","by_method":[{"method":"fiscal_funds","amount":"80000000.00"}]}}`},
		{"budget execution of the prefecture's own level", b.Execution("6523", 2023, asOf).Units[0],
			`{"unit":"6523","name":"昌吉州","debt_service":{"budget":"500000000.00","executed":"66000000.00","progress":"13.20","principal":"0.00","interest":"66000000.00","fee":"0.00"},"hidden_resolution":{"budget":"0.00","executed":"0.00","progress":"0.00"}}`},
		{"budget execution of the subtree", b.Execution("6523", 2023, asOf).Total,
			`{"debt_service":{"budget":"500000000.00","executed":"273800000.00","progress":"54.76","principal":"200000000.00","interest":"73800000.00","fee":"0.00"},"hidden_resolution":{"budget":"0.00","executed":"80000000.00","progress":"0.00"}}`},
		{"quota of 652301", b.QuotaStatus("652301", 2023, asOf),
			`[{"kind":"general","received":"400000000.00","passed_down":"0.00","own":"400000000.00","used":"400000000.00","remaining":"0.00","limit":"1400000000.00","balance":"1100000000.00"},
			  {"kind":"special","received":"0.00","passed_down":"0.00","own":"0.00","used":"0.00","remaining":"0.00","limit":"2000000000.00","balance":"0.00"},
			  {"kind":"refinancing","received":"200000000.00","passed_down":"0.00","own":"200000000.00","used":"200000000.00","remaining":"0.00"}]`},
		{"quota of the root passes down", b.Quota.Status("6523", 2023, asOf)[2],
			`{"kind":"refinancing","received":"300000000.00","passed_down":"200000000.00","own":"100000000.00","used":"200000000.00","remaining":"100000000.00"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { assertJSON(t, []byte(tc.want), tc.got) })
	}
}
