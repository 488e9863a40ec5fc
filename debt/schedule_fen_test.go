package debt

import (
	"fmt"
	"testing"

	"github.com/debtledger/debtledger/quota"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// The integer fast path of the schedule must give exactly what the decimal
// Projection gives, for any rate, amortization and principal.
func TestPlanMatchesProjection(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		value := quota.NewDate(rapid.IntRange(2010, 2030).Draw(rt, "y"), rapid.IntRange(1, 12).Draw(rt, "m"), rapid.IntRange(1, 31).Draw(rt, "d")%28+1)
		years := rapid.IntRange(1, 30).Draw(rt, "years")
		bd := &Bond{Code: "B", Kind: quota.General, Purpose: NewMoney, ValueDate: value,
			Maturity: value.AddMonths(12 * years),
			Rate:     decimal.New(int64(rapid.IntRange(0, 1000000).Draw(rt, "rate")), -4),
			Interest: rapid.SampledFrom([]string{"annual", "semiannual"}).Draw(rt, "interest")}
		if n := rapid.IntRange(0, 4).Draw(rt, "steps"); n > 0 && years >= n {
			left := int64(1000000)
			for i := 1; i <= n; i++ {
				pct := left
				if i < n {
					pct = rapid.Int64Range(1, left-int64(n-i)).Draw(rt, "pct")
				}
				left -= pct
				bd.Amortization = append(bd.Amortization, Step{value.AddMonths(12 * (years - n + i)), decimal.New(pct, -4)})
			}
		}
		require.NoError(rt, bd.validate())
		principal := rapid.Int64Range(1, 1<<50).Draw(rt, "fen")
		asOf := value.AddMonths(rapid.IntRange(0, 12*years).Draw(rt, "asof"))

		want := map[quota.Date]string{}
		for _, f := range bd.Projection(decimal.New(principal, -2), asOf) {
			want[f.Date] = f.Principal.StringFixed(2) + "/" + f.Interest.StringFixed(2)
		}
		got := map[quota.Date]string{}
		p := bd.plan(asOf)
		ok := p.project(uint64(principal), func(d quota.Date, pr, in uint64) {
			if pr == 0 && in == 0 {
				return
			}
			got[d] = fmt.Sprintf("%s/%s", decimal.New(int64(pr), -2).StringFixed(2), decimal.New(int64(in), -2).StringFixed(2))
		})
		if !ok {
			return // the decimal path takes over; nothing to compare
		}
		require.Equal(rt, want, got)
	})
}
