package quota

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dec is a test literal; decimal.RequireFromString, never a float.
func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

const (
	errShape = "want yuan with at most two decimals"
	errAbove = "above 10^15 yuan"
	errFen   = "not a whole number of fen"
)

// parseAmountTests: input → value written with two decimals, or a piece of
// the error. SPEC §2.
var parseAmountTests = []struct {
	in   string
	want string // FormatAmount of the result when accepted
	err  string // substring of the error when refused
}{
	// 万 and 亿 read straight into fen (scaledFen), at its edges.
	{"1.5万", "15000.00", ""},
	{"0.000001万", "0.01", ""},
	{"0.0000001万", "", "not a whole number of fen"},
	{"1.0000000万", "10000.00", ""},
	{"99999999999万", "999999999990000.00", ""},
	{"100000000000万", "1000000000000000.00", ""},
	{"100000000001万", "", "above 10^15 yuan"},
	{"0.0000000001亿", "0.01", ""},
	{"9999999.9999999999亿", "999999999999999.99", ""},
	{"10000001亿", "", "above 10^15 yuan"},
	{"007万", "70000.00", ""},
	// Plain yuan, at most two decimals.
	{"0", "0.00", ""},
	{"0.0", "0.00", ""},
	{"0.00", "0.00", ""},
	{"1", "1.00", ""},
	{"0.01", "0.01", ""},
	{"0.1", "0.10", ""},
	{"000123", "123.00", ""},
	{"00.50", "0.50", ""},
	{"1390000000", "1390000000.00", ""},
	{"1390000000.5", "1390000000.50", ""},
	{"1390000000.50", "1390000000.50", ""},
	{"999999999999999.99", "999999999999999.99", ""},
	{"1000000000000000", "1000000000000000.00", ""}, // 10^15 is allowed
	{"1000000000000000.0", "1000000000000000.00", ""},
	{"1000000000000000.00", "1000000000000000.00", ""},
	{"0001000000000000000", "1000000000000000.00", ""}, // leading zeros don't count

	// 亿 and 万: any decimal whose value is a whole number of fen.
	{"13.9亿", "1390000000.00", ""},
	{"139000万", "1390000000.00", ""},
	{"1亿", "100000000.00", ""},
	{"0亿", "0.00", ""},
	{"0万", "0.00", ""},
	{"0.0万", "0.00", ""},
	{"1.5亿", "150000000.00", ""},
	{"1.00万", "10000.00", ""},
	{"1.234567万", "12345.67", ""},
	{"1.23456万", "12345.60", ""},
	{"1.2345670万", "12345.67", ""},
	{"0.000001万", "0.01", ""},
	{"0.0000000001亿", "0.01", ""},
	{"13.12345678亿", "1312345678.00", ""},
	{"10000000万", "100000000000.00", ""},
	{"100000000000万", "1000000000000000.00", ""}, // 10^15
	{"10000000亿", "1000000000000000.00", ""},     // 10^15
	{"9999999.9999999999亿", "999999999999999.99", ""},
	{"1.00000000000000000000亿", "100000000.00", ""}, // 20 decimals

	// Signs, exponents, bad shapes.
	{"-1", "", errShape},
	{"+1", "", errShape},
	{"-0", "", errShape},
	{"1e9", "", errShape},
	{"1E9", "", errShape},
	{"1e+9", "", errShape},
	{"1.", "", errShape},
	{".5", "", errShape},
	{".", "", errShape},
	{"1..0", "", errShape},
	{"1.0.0", "", errShape},
	{"0x10", "", errShape},
	{"1_000", "", errShape},
	{"NaN", "", errShape},
	{"Inf", "", errShape},
	{"", "", errShape},
	// Spaces and separators.
	{" 1", "", errShape},
	{"1 ", "", errShape},
	{"\t1", "", errShape},
	{"1\n", "", errShape},
	{"1 000", "", errShape},
	{"1,000", "", errShape},
	{"1,5", "", errShape},
	{"1'000", "", errShape},
	{"1.5 亿", "", errShape},
	{"1\u00a0000", "", errShape},
	// More than fen precision in plain yuan.
	{"1.234", "", errShape},
	{"1.000", "", errShape},
	{"0.001", "", errShape},
	// Other digits and suffixes.
	{"１２３", "", errShape},    // full-width digits
	{"1．5", "", errShape},    // full-width full stop
	{"١٢٣", "", errShape},    // Arabic-Indic digits
	{"13.9元", "", errShape},  // other suffix
	{"13.9億", "", errShape},  // traditional 亿 is not the suffix
	{"13.9 亿", "", errShape}, // space before the suffix
	{"13.9亿 ", "", errShape}, // space after it
	{"13.9亿元", "", errShape},
	{"1千", "", errShape},
	{"1k", "", errShape},
	// The suffix alone, twice, or with a bad number.
	{"亿", "", errShape},
	{"万", "", errShape},
	{"1亿亿", "", errShape},
	{"1万万", "", errShape},
	{"1万亿", "", errShape},
	{"1亿万", "", errShape},
	{"亿1", "", errShape},
	{"1.亿", "", errShape},
	{".5亿", "", errShape},
	{"-1亿", "", errShape},
	{"+1万", "", errShape},
	{"1e2亿", "", errShape},
	// 亿/万 whose value is not a whole number of fen.
	{"1.2345678万", "", errFen},
	{"0.0000001万", "", errFen},
	{"0.00000000001亿", "", errFen},
	{"0.123456789亿", "12345678.90", ""},
	{"0.12345678901亿", "", errFen},
	// Above 10^15 yuan.
	{"1000000000000000.01", "", errAbove},
	{"1000000000000000.1", "", errAbove},
	{"1000000000000001", "", errAbove},
	{"9999999999999999", "", errAbove},
	{"10000000000000000", "", errAbove},
	{"99999999999999999999", "", errAbove},
	{"10000001亿", "", errAbove},
	{"10000000.00000001亿", "", errAbove},
	{"100000000000.0001万", "", errAbove},
	{"100000000001万", "", errAbove},
}

func TestParseAmount(t *testing.T) {
	for _, tt := range parseAmountTests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseAmount(tt.in)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				assert.True(t, strings.HasPrefix(err.Error(), "amount "+q(tt.in)+": "),
					"error %q should start with the operation and the quoted input", err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, FormatAmount(got))
			assert.True(t, got.Equal(dec(tt.want)), "got %s, want %s", got, tt.want)
			assert.GreaterOrEqual(t, got.Exponent(), int32(-2), "at most two decimals kept")
			assert.False(t, got.IsNegative())
		})
	}
}

// q is %q, as the error messages write the input.
func q(s string) string { return Quoted(s) }

// TestParseAmountErrorMessage pins the error shape of STYLE.md: operation,
// quoted input, reason.
func TestParseAmountErrorMessage(t *testing.T) {
	_, err := ParseAmount("12,5")
	require.EqualError(t, err, `amount "12,5": want yuan with at most two decimals, e.g. 1390000000.00 or 13.9亿`)
	_, err = ParseAmount("1.2345678万")
	require.EqualError(t, err, `amount "1.2345678万": not a whole number of fen`)
	_, err = ParseAmount("10000001亿")
	require.EqualError(t, err, `amount "10000001亿": above 10^15 yuan`)
	_, err = ParseAmount("1.0000000000000000000000001亿")
	require.EqualError(t, err, `amount "1.0000000000000000000000001亿": not a whole number of fen`)
}

// TestParseAmountEquivalentForms: every form of one value parses to the
// same decimal (Equal), whatever its exponent.
func TestParseAmountEquivalentForms(t *testing.T) {
	forms := []string{"1390000000", "1390000000.0", "1390000000.00", "01390000000", "13.9亿", "13.90亿", "139000万", "139000.0000万"}
	want := dec("1390000000")
	for _, s := range forms {
		got, err := ParseAmount(s)
		require.NoError(t, err, s)
		assert.True(t, got.Equal(want), "%s: got %s", s, got)
		assert.Equal(t, "1390000000.00", FormatAmount(got), s)
	}
}

// TestParseAmountLongInput: a 100,000-digit number is refused without doing
// arithmetic on it; 100,000 leading zeros before a small value are fine.
func TestParseAmountLongInput(t *testing.T) {
	const n = 100000
	refused := []string{
		"1" + strings.Repeat("0", n),
		"9" + strings.Repeat("9", n),
		"1" + strings.Repeat("0", n) + ".5",
		"1" + strings.Repeat("0", n) + "亿",
		"1" + strings.Repeat("0", n) + "万",
		"1." + strings.Repeat("1", n) + "亿",
		"1." + strings.Repeat("1", n),
		strings.Repeat("1", n) + "x",
	}
	for _, s := range refused {
		_, err := ParseAmount(s)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "amount ")
		// Refused by a scan of the text, with no arithmetic on it and
		// only its first characters quoted: a few small allocations. A
		// big integer of 100,000 digits would take over 40 KB, and a
		// time bound would make the test depend on the machine's load.
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, _ = ParseAmount(s)
		runtime.ReadMemStats(&after)
		assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(8<<10), "long inputs must be refused without arithmetic")
	}

	got, err := ParseAmount(strings.Repeat("0", n) + "1.5")
	require.NoError(t, err)
	assert.Equal(t, "1.50", FormatAmount(got))
	got, err = ParseAmount(strings.Repeat("0", n) + "13.9亿")
	require.NoError(t, err)
	assert.Equal(t, "1390000000.00", FormatAmount(got))
}

// TestParseAmountTrailingZeros: SPEC §2 accepts [0-9]+(\.[0-9]+)? before
// 亿/万 whenever the value is a whole number of fen; trailing zeros don't
// change the value.
func TestParseAmountTrailingZeros(t *testing.T) {
	for _, s := range []string{
		"1." + strings.Repeat("0", 21) + "亿",
		"0." + strings.Repeat("0", 21) + "万",
		"1.5" + strings.Repeat("0", 100) + "万",
	} {
		_, err := ParseAmount(s)
		assert.NoError(t, err, s)
	}
}

func TestFormatAmount(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"0", "0.00"},
		{"1", "1.00"},
		{"0.5", "0.50"},
		{"0.05", "0.05"},
		{"1390000000", "1390000000.00"},
		{"1390000000.5", "1390000000.50"},
		{"1000000000000000", "1000000000000000.00"},
		{"-1", "-1.00"},
		{"-0.5", "-0.50"},
		{"-0.01", "-0.01"},
		{"-1390000000.05", "-1390000000.05"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, FormatAmount(dec(tt.in)), tt.in)
	}
	// Exponent does not matter: 13.9×10^8 is written like 1390000000.
	assert.Equal(t, "1390000000.00", FormatAmount(decimal.New(139, 7)))
	assert.Equal(t, "0.00", FormatAmount(decimal.Decimal{}))
	assert.Equal(t, "0.00", FormatAmount(decimal.New(0, 5)))
}

func TestFormatIn(t *testing.T) {
	tests := []struct {
		in, unit, want string
	}{
		{"1390000000", "yuan", "1390000000.00"},
		{"1390000000", "", "1390000000.00"},
		{"1390000000", "unknown", "1390000000.00"},
		{"1390000000", "wan", "139000.00"},
		{"1390000000", "yi", "13.90"},
		{"-1390000000", "yi", "-13.90"},
		{"-1390000000", "wan", "-139000.00"},
		{"-0.5", "yuan", "-0.50"},
		{"0", "yi", "0.00"},
		{"0", "wan", "0.00"},
		{"12345.67", "wan", "1.23"},
		{"15000", "wan", "1.50"},
		{"12350", "wan", "1.24"},   // half away from zero
		{"-12350", "wan", "-1.24"}, // symmetric for negatives
		{"1000000000000000", "yi", "10000000.00"},
		{"999999999999999.99", "yi", "10000000.00"},
		{"0.01", "yi", "0.00"},
		{"-0.01", "yi", "0.00"}, // a rounded-away negative is not "-0.00"
		{"150000000", "yi", "1.50"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, FormatIn(dec(tt.in), tt.unit), "%s in %q", tt.in, tt.unit)
	}
}

func TestParseRate(t *testing.T) {
	tests := []struct {
		in   string
		want string
		err  string
	}{
		{"3.3", "3.3", ""},
		{"3.30", "3.3", ""},
		{"3.25", "3.25", ""},
		{"3.1234", "3.1234", ""},
		{"0", "0", ""},
		{"0.0001", "0.0001", ""},
		{"100", "100", ""},
		{"100.0000", "100", ""},
		{"999.9999", "999.9999", ""}, // the shape; "rate ≤ 100" is the bond's rule
		{"007", "7", ""},
		{"3.12345", "", "want up to three digits and four decimals"},
		{"1000", "", "want up to three digits and four decimals"},
		{"0100", "", "want up to three digits and four decimals"},
		{"-1", "", "want up to three digits and four decimals"},
		{"+1", "", "want up to three digits and four decimals"},
		{"1e2", "", "want up to three digits and four decimals"},
		{"1E2", "", "want up to three digits and four decimals"},
		{"3.", "", "want up to three digits and four decimals"},
		{".5", "", "want up to three digits and four decimals"},
		{"", "", "want up to three digits and four decimals"},
		{" 3", "", "want up to three digits and four decimals"},
		{"3 ", "", "want up to three digits and four decimals"},
		{"3,3", "", "want up to three digits and four decimals"},
		{"3.3%", "", "want up to three digits and four decimals"},
		{"３", "", "want up to three digits and four decimals"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRate("rate", tt.in)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				assert.True(t, strings.HasPrefix(err.Error(), "rate "+q(tt.in)+": "), err.Error())
				return
			}
			require.NoError(t, err)
			assert.True(t, got.Equal(dec(tt.want)), "got %s want %s", got, tt.want)
		})
	}
	_, err := ParseRate("percent", "101.12345")
	require.EqualError(t, err, `percent "101.12345": want up to three digits and four decimals, e.g. 3.25`)
}

func TestPercentOf(t *testing.T) {
	tests := []struct {
		part, whole, want string
	}{
		{"1", "3", "33.33"},
		{"2", "3", "66.67"},
		{"1", "8", "12.50"},
		{"1", "800", "0.13"}, // 0.125: half up
		{"1", "1", "100.00"},
		{"3", "2", "150.00"},
		{"0", "5", "0.00"},
		{"5", "0", "0.00"}, // nothing planned yet
		{"0", "0", "0.00"},
		{"-1", "800", "-0.13"},
	}
	for _, tt := range tests {
		got := PercentOf(dec(tt.part), dec(tt.whole))
		assert.Equal(t, tt.want, FormatAmount(got.Decimal), "%s/%s", tt.part, tt.whole)
	}
}

func TestMoneyJSON(t *testing.T) {
	b, err := json.Marshal(struct {
		A Money  `json:"a"`
		B Money  `json:"b"`
		C *Money `json:"c,omitempty"`
	}{M(dec("1390000000")), M(dec("-0.5")), nil})
	require.NoError(t, err)
	assert.Equal(t, `{"a":"1390000000.00","b":"-0.50"}`, string(b))
}

func TestYi(t *testing.T) {
	assert.Equal(t, "13.9亿", Yi(dec("1390000000")))
	assert.Equal(t, "0.0000000001亿", Yi(dec("0.01")), "exact to the fen")
	assert.Equal(t, "0亿", Yi(decimal.Zero))
	assert.Equal(t, "-1.5亿", Yi(dec("-150000000")))
}
