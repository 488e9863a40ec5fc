package quota

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// maxAmount is SPEC §2's ceiling: no single amount above 10^15 yuan.
var maxAmount = decimal.New(1, 15)

var (
	yi  = decimal.New(1, 8)
	wan = decimal.New(1, 4)
)

const amountHint = "want yuan with at most two decimals, e.g. 1390000000.00 or 13.9亿"

// ParseAmount reads an amount in the text forms of SPEC §2: plain yuan with
// at most two decimals, or a decimal followed by 亿 or 万 whose value is a
// whole number of fen. A JSON number is read from its literal text by the
// same rule, so callers pass the literal.
func ParseAmount(s string) (decimal.Decimal, error) {
	if fen, ok := plainFen(s); ok {
		return decimal.New(fen, -2), nil
	}
	num, scale := s, decimal.Decimal{}
	maxFrac := 2
	switch {
	case strings.HasSuffix(s, "亿"):
		num, scale, maxFrac = strings.TrimSuffix(s, "亿"), yi, -1
		if fen, ok := scaledFen(num, 10); ok {
			return decimal.New(fen, -2), nil
		}
	case strings.HasSuffix(s, "万"):
		num, scale, maxFrac = strings.TrimSuffix(s, "万"), wan, -1
		if fen, ok := scaledFen(num, 6); ok {
			return decimal.New(fen, -2), nil
		}
	}
	intPart, frac, ok := splitDecimal(num)
	if !ok || (maxFrac >= 0 && len(frac) > maxFrac) {
		return decimal.Decimal{}, fmt.Errorf("amount %s: %s", Quoted(s), amountHint)
	}
	// Reject absurd lengths before any arithmetic so that a 100,000-digit
	// number costs nothing.
	if len(strings.TrimLeft(intPart, "0")) > 16 {
		return decimal.Decimal{}, fmt.Errorf("amount %s: above 10^15 yuan", Quoted(s))
	}
	if len(strings.TrimRight(frac, "0")) > 20 { // ×10^8 leaves more than fen
		return decimal.Decimal{}, fmt.Errorf("amount %s: not a whole number of fen", Quoted(s))
	}
	d, err := decimal.NewFromString(num)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("amount %s: %s", Quoted(s), amountHint)
	}
	if !scale.IsZero() {
		d = d.Mul(scale)
		if !d.Equal(d.Truncate(2)) {
			return decimal.Decimal{}, fmt.Errorf("amount %s: not a whole number of fen", Quoted(s))
		}
	}
	if d.GreaterThan(maxAmount) {
		return decimal.Decimal{}, fmt.Errorf("amount %s: above 10^15 yuan", Quoted(s))
	}
	return d.Round(2), nil
}

// maxAmountFen is maxAmount in fen.
const maxAmountFen = 100_000_000_000_000_000

// plainFen reads the common form, plain yuan with at most two decimals and
// at most 10^15, straight into fen: the general path's big-integer
// arithmetic cost several allocations a line. Anything else is left to it.
func plainFen(s string) (int64, bool) {
	intPart, frac, ok := splitDecimal(s)
	if !ok || len(frac) > 2 || len(intPart) > 16 {
		return 0, false
	}
	fen := int64(atoi(intPart)) * 100
	switch len(frac) {
	case 1:
		fen += int64(frac[0]-'0') * 10
	case 2:
		fen += int64(atoi(frac))
	}
	return fen, fen <= maxAmountFen
}

// splitDecimal checks the shape [0-9]+(\.[0-9]+)? and returns its parts.
// scaledFen is plainFen for an amount in 万 or 亿, whose unit is 10^digits
// fen: a national ledger writes most of its amounts so.
func scaledFen(num string, digits int) (int64, bool) {
	intPart, frac, ok := splitDecimal(num)
	frac = strings.TrimRight(frac, "0")
	if !ok || len(frac) > digits || len(intPart) > 17-digits {
		return 0, false // not whole fen, or large: the general path says which
	}
	fen, part := int64(atoi(intPart)), int64(atoi(frac))
	for range digits {
		fen *= 10
	}
	for range digits - len(frac) {
		part *= 10
	}
	fen += part
	return fen, fen <= maxAmountFen
}

func splitDecimal(s string) (intPart, frac string, ok bool) {
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" || !allDigits(intPart) {
		return "", "", false
	}
	if hasDot && (frac == "" || !allDigits(frac)) {
		return "", "", false
	}
	return intPart, frac, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// FormatAmount writes an amount as yuan with exactly two decimals.
func FormatAmount(d decimal.Decimal) string { return string(AppendAmount(nil, d)) }

// AppendAmount appends FormatAmount(d). Amounts in fen are written
// without big-integer arithmetic.
func AppendAmount(b []byte, d decimal.Decimal) []byte {
	if d.Exponent() == -2 {
		if fen, ok := toFen(d); ok {
			return appendFen(b, fen)
		}
	}
	return append(b, d.StringFixed(2)...)
}

// appendFen writes a whole number of fen as yuan with two decimals.
func appendFen(b []byte, fen int64) []byte {
	u := uint64(fen)
	if fen < 0 {
		b = append(b, '-')
		u = -u
	}
	b = strconv.AppendUint(b, u/100, 10)
	return append(b, '.', byte('0'+u%100/10), byte('0'+u%10))
}

// FormatIn writes an amount in a display unit: yuan, wan (万元) or yi (亿元).
func FormatIn(d decimal.Decimal, unit string) string {
	switch unit {
	case "wan":
		return d.Div(wan).StringFixed(2)
	case "yi":
		return d.Div(yi).StringFixed(2)
	}
	return d.StringFixed(2)
}

// ParseRate reads a rate or percent: [0-9]{1,3}(\.[0-9]{1,4})?.
func ParseRate(field, s string) (decimal.Decimal, error) {
	intPart, frac, ok := splitDecimal(s)
	if !ok || len(intPart) > 3 || len(frac) > 4 {
		return decimal.Decimal{}, fmt.Errorf("%s %s: want up to three digits and four decimals, e.g. 3.25", field, Quoted(s))
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%s %s: not a number", field, Quoted(s))
	}
	return d, nil
}
