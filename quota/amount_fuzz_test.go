package quota

import (
	"math/big"
	"regexp"
	"strings"
	"testing"
)

// The grammar of SPEC §2, written independently of ParseAmount.
var (
	specYuan   = regexp.MustCompile(`^[0-9]+(\.[0-9]{1,2})?$`)
	specScaled = regexp.MustCompile(`^([0-9]+(\.[0-9]+)?)(亿|万)$`)
	specMax    = new(big.Rat).SetInt64(1_000_000_000_000_000)
)

// specAmount is the reference reading of SPEC §2 with exact rationals: the
// value, and whether the text is accepted.
func specAmount(s string) (*big.Rat, bool) {
	var v *big.Rat
	switch {
	case specYuan.MatchString(s):
		v, _ = new(big.Rat).SetString(s)
	default:
		m := specScaled.FindStringSubmatch(s)
		if m == nil {
			return nil, false
		}
		v, _ = new(big.Rat).SetString(m[1])
		scale := int64(100_000_000)
		if m[3] == "万" {
			scale = 10_000
		}
		v.Mul(v, new(big.Rat).SetInt64(scale))
		if fen := new(big.Rat).Mul(v, big.NewRat(100, 1)); !fen.IsInt() {
			return nil, false
		}
	}
	if v == nil || v.Cmp(specMax) > 0 {
		return nil, false
	}
	return v, true
}

// FuzzParseAmount: ParseAmount never panics and never returns an empty
// message; what it accepts is ≤ 10^15, non-negative, has at most two
// decimals, and FormatAmount of it parses back to the same value. It
// accepts exactly what the SPEC grammar accepts, at the same value.
// The seed corpus is in testdata/fuzz/FuzzParseAmount.
func FuzzParseAmount(f *testing.F) {
	f.Add("13.9亿")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseAmount(s)
		if len(s) > 4096 {
			// Keep the exact reference cheap; the unit tests cover long inputs.
			return
		}
		want, ok := specAmount(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			if !strings.HasPrefix(err.Error(), "amount "+q(s)+": ") {
				t.Fatalf("error %q does not name the input", err)
			}
			if ok {
				t.Fatalf("ParseAmount(%q) refused (%v), SPEC accepts it as %s", s, err, want.FloatString(2))
			}
			return
		}
		if !ok {
			t.Fatalf("ParseAmount(%q) = %s, SPEC refuses it", s, got)
		}
		if got.Rat().Cmp(want) != 0 {
			t.Fatalf("ParseAmount(%q) = %s, SPEC value %s", s, got, want.FloatString(4))
		}
		if got.IsNegative() {
			t.Fatalf("ParseAmount(%q) = %s, negative", s, got)
		}
		if got.GreaterThan(maxAmount) {
			t.Fatalf("ParseAmount(%q) = %s, above 10^15", s, got)
		}
		if !got.Equal(got.Truncate(2)) || got.Exponent() < -2 {
			t.Fatalf("ParseAmount(%q) = %s, more than two decimals", s, got)
		}
		text := FormatAmount(got)
		back, err := ParseAmount(text)
		if err != nil {
			t.Fatalf("FormatAmount(ParseAmount(%q)) = %q, which is refused: %v", s, text, err)
		}
		if !back.Equal(got) || FormatAmount(back) != text {
			t.Fatalf("%q → %q → %s, not the same value", s, text, back)
		}
	})
}
