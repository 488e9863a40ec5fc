package quota

import (
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// points renders a series as "date=total" pairs for comparisons.
func points(s *Series) []string {
	out := make([]string, len(s.points()))
	for i, p := range s.points() {
		out[i] = p.Date.String() + "=" + p.Total().String()
	}
	return out
}

func TestSeriesAdd(t *testing.T) {
	tests := []struct {
		name string
		adds []struct {
			date, delta string
		}
		want []string
	}{
		{"in order", []struct{ date, delta string }{
			{"2023-01-10", "10"}, {"2023-01-20", "-3"}, {"2023-02-01", "5"},
		}, []string{"2023-01-10=10", "2023-01-20=7", "2023-02-01=12"}},
		{"back-dated before all", []struct{ date, delta string }{
			{"2023-01-10", "10"}, {"2023-01-20", "-3"}, {"2023-01-05", "1"},
		}, []string{"2023-01-05=1", "2023-01-10=11", "2023-01-20=8"}},
		{"back-dated in between", []struct{ date, delta string }{
			{"2023-01-10", "10"}, {"2023-01-20", "-3"}, {"2023-01-15", "-2"},
		}, []string{"2023-01-10=10", "2023-01-15=8", "2023-01-20=5"}},
		{"same date merges (last)", []struct{ date, delta string }{
			{"2023-01-10", "10"}, {"2023-01-10", "5"},
		}, []string{"2023-01-10=15"}},
		{"same date merges (earlier)", []struct{ date, delta string }{
			{"2023-01-10", "10"}, {"2023-01-20", "1"}, {"2023-01-10", "5"},
		}, []string{"2023-01-10=15", "2023-01-20=16"}},
		{"zero delta books nothing", []struct{ date, delta string }{
			{"2023-01-10", "0"}, {"2023-01-20", "0.00"},
		}, []string{}},
		{"zero delta back-dated books nothing", []struct{ date, delta string }{
			{"2023-01-10", "10"}, {"2023-01-05", "0"},
		}, []string{"2023-01-10=10"}},
		{"negative first", []struct{ date, delta string }{
			{"2023-01-10", "-1.5"},
		}, []string{"2023-01-10=-1.5"}},
		{"across years", []struct{ date, delta string }{
			{"2024-01-01", "1"}, {"2023-12-31", "2"},
		}, []string{"2023-12-31=2", "2024-01-01=3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Series
			for _, a := range tt.adds {
				s.Add(d(a.date), dec(a.delta))
			}
			assert.Equal(t, tt.want, points(&s))
			assert.Equal(t, len(tt.want) == 0, s.Empty())
		})
	}
}

func TestSeriesQueries(t *testing.T) {
	var s Series
	s.Add(d("2023-01-10"), dec("10"))
	s.Add(d("2023-01-20"), dec("-8"))
	s.Add(d("2023-02-01"), dec("5"))
	s.Add(d("2023-03-01"), dec("-9")) // back to -2
	s.Add(d("2023-03-15"), dec("2"))  // 0
	// Totals: 01-10 10, 01-20 2, 02-01 7, 03-01 -2, 03-15 0.

	at := []struct {
		date, want string
	}{
		{"2023-01-01", "0"},
		{"2023-01-09", "0"},
		{"2023-01-10", "10"},
		{"2023-01-19", "10"},
		{"2023-01-20", "2"},
		{"2023-01-31", "2"},
		{"2023-02-01", "7"},
		{"2023-02-28", "7"},
		{"2023-03-01", "-2"},
		{"2023-03-15", "0"},
		{"2099-12-31", "0"},
	}
	for _, tt := range at {
		assert.True(t, s.At(d(tt.date)).Equal(dec(tt.want)), "At(%s) = %s, want %s", tt.date, s.At(d(tt.date)), tt.want)
	}
	assert.True(t, s.Final().IsZero())

	between := []struct {
		from, to, want string
	}{
		{"2023-01-01", "2023-12-31", "0"},
		{"2023-01-10", "2023-01-10", "10"}, // closed at both ends
		{"2023-01-10", "2023-01-20", "2"},
		{"2023-01-11", "2023-01-20", "-8"},
		{"2023-01-11", "2023-01-19", "0"},
		{"2023-02-01", "2023-02-28", "5"}, // from the 1st: Prev crosses the month
		{"2023-01-01", "2023-01-31", "2"},
		{"2023-03-01", "2023-03-31", "-7"},
		{"2022-01-01", "2022-12-31", "0"},
	}
	for _, tt := range between {
		got := s.Between(d(tt.from), d(tt.to))
		assert.True(t, got.Equal(dec(tt.want)), "Between(%s, %s) = %s, want %s", tt.from, tt.to, got, tt.want)
	}

	minFrom := []struct {
		from, min, at string
	}{
		{"2023-01-01", "-2", "2023-03-01"},
		{"2023-01-10", "-2", "2023-03-01"},
		{"2023-02-15", "-2", "2023-03-01"},
		{"2023-03-01", "-2", "2023-03-01"},
		{"2023-03-10", "-2", "2023-03-10"}, // the total at the start date itself
		{"2023-03-15", "0", "2023-03-15"},
		{"2024-01-01", "0", "2024-01-01"},
	}
	for _, tt := range minFrom {
		min, at := s.MinFrom(d(tt.from))
		assert.True(t, min.Equal(dec(tt.min)), "MinFrom(%s) = %s, want %s", tt.from, min, tt.min)
		assert.Equal(t, tt.at, at.String(), "MinFrom(%s) date", tt.from)
	}

	dates := func(ss ...string) []Date {
		out := []Date{}
		for _, x := range ss {
			out = append(out, d(x))
		}
		return out
	}
	assert.Equal(t, dates("2023-01-10", "2023-01-20", "2023-02-01", "2023-03-01", "2023-03-15"), s.DatesFrom(d("2023-01-01")))
	assert.Equal(t, dates("2023-01-20", "2023-02-01", "2023-03-01", "2023-03-15"), s.DatesFrom(d("2023-01-20")))
	assert.Equal(t, dates("2023-02-01", "2023-03-01", "2023-03-15"), s.DatesFrom(d("2023-01-21")))
	assert.Equal(t, dates(), s.DatesFrom(d("2023-03-16")))
}

func TestSeriesMinFromFirstDate(t *testing.T) {
	// The minimum is reached twice: the first date is reported.
	var s Series
	s.Add(d("2023-01-10"), dec("-5"))
	s.Add(d("2023-01-20"), dec("5"))
	s.Add(d("2023-01-30"), dec("-5"))
	min, at := s.MinFrom(d("2023-01-01"))
	assert.True(t, min.Equal(dec("-5")))
	assert.Equal(t, "2023-01-10", at.String())
	min, at = s.MinFrom(d("2023-01-15"))
	assert.True(t, min.Equal(dec("-5")))
	assert.Equal(t, "2023-01-15", at.String(), "already at the minimum on the start date")
	min, at = s.MinFrom(d("2023-01-20"))
	assert.True(t, min.Equal(dec("-5")))
	assert.Equal(t, "2023-01-30", at.String())
}

func TestSeriesEmpty(t *testing.T) {
	var s Series
	assert.True(t, s.Empty())
	assert.True(t, s.At(d("2023-01-01")).IsZero())
	assert.True(t, s.Final().IsZero())
	assert.True(t, s.Between(d("2023-01-01"), d("2023-12-31")).IsZero())
	min, at := s.MinFrom(d("2023-05-05"))
	assert.True(t, min.IsZero())
	assert.Equal(t, d("2023-05-05"), at)
	assert.Empty(t, s.DatesFrom(d("2000-01-01")))
}

func TestSeriesExact(t *testing.T) {
	// Fen add up exactly; no float drift.
	var s Series
	for i := 0; i < 1000; i++ {
		s.Add(d("2023-01-01"), dec("0.01"))
	}
	s.Add(d("2023-01-02"), dec("0.1"))
	s.Add(d("2023-01-02"), dec("0.2"))
	assert.Equal(t, "10.30", FormatAmount(s.Final()))
	assert.True(t, s.Final().Equal(dec("10.3")))
}

// seriesModel is the naive reference: every booking kept, totals summed.
type seriesModel []struct {
	date  Date
	delta decimal.Decimal
}

func (m seriesModel) at(x Date) decimal.Decimal {
	sum := decimal.Zero
	for _, b := range m {
		if b.date <= x {
			sum = sum.Add(b.delta)
		}
	}
	return sum
}

// TestSeriesModel drives random Adds (in order, back-dated, same date, zero)
// and compares every query with the naive model on every day of the range.
func TestSeriesModel(t *testing.T) {
	base := time.Date(2023, 11, 25, 0, 0, 0, 0, time.UTC) // spans Dec→Jan and Feb
	const span = 100
	day := func(i int) Date { return DateOf(base.AddDate(0, 0, i)) }

	rapid.Check(t, func(rt *rapid.T) {
		var s Series
		var m seriesModel
		n := rapid.IntRange(0, 40).Draw(rt, "n")
		for i := 0; i < n; i++ {
			date := day(rapid.IntRange(1, span-2).Draw(rt, "day"))
			fen := rapid.IntRange(-500, 500).Draw(rt, "fen")
			if rapid.IntRange(0, 4).Draw(rt, "zero") == 0 {
				fen = 0
			}
			delta := decimal.New(int64(fen), -2)
			// Now and then an amount so large that totals cross 2^62 and
			// 2^64 fen either way, which a point holds in its high bits.
			switch rapid.IntRange(0, 9).Draw(rt, "scale") {
			case 0:
				delta = decimal.New(rapid.Int64Range(-1<<62, 1<<62).Draw(rt, "large"), -2)
			case 1:
				delta = delta.Mul(decimal.New(1, 21))
			}
			s.Add(date, delta)
			m = append(m, struct {
				date  Date
				delta decimal.Decimal
			}{date, delta})
		}

		// Structure: strictly increasing dates, totals are the prefix sums.
		for i, p := range s.points() {
			if i > 0 && p.Date <= s.points()[i-1].Date {
				rt.Fatalf("points out of order: %v", points(&s))
			}
			if !p.Total().Equal(m.at(p.Date)) {
				rt.Fatalf("point %s total %s, model %s", p.Date, p.Total(), m.at(p.Date))
			}
		}
		nonZero := map[Date]bool{}
		for _, b := range m {
			if !b.delta.IsZero() {
				nonZero[b.date] = true
			}
		}
		if s.Empty() != (len(nonZero) == 0) {
			rt.Fatalf("Empty() = %v with %d non-zero bookings", s.Empty(), len(nonZero))
		}
		if !s.Final().Equal(m.at(NoDate)) {
			rt.Fatalf("Final %s, model %s", s.Final(), m.at(NoDate))
		}
		// The cache's encoding keeps every total.
		var w Writer
		w.Series(&s)
		cached := NewReader(w.Bytes()).Series()
		for i := 0; i < span; i++ {
			if x := day(i); !cached.At(x).Equal(m.at(x)) {
				rt.Fatalf("cached At(%s) = %s, model %s", x, cached.At(x), m.at(x))
			}
		}

		for i := 0; i < span; i++ {
			x := day(i)
			if !s.At(x).Equal(m.at(x)) {
				rt.Fatalf("At(%s) = %s, model %s", x, s.At(x), m.at(x))
			}

			// MinFrom: lowest total on x or any later day, first day reached.
			wantMin, wantAt := m.at(x), x
			for j := i + 1; j < span; j++ {
				if v := m.at(day(j)); v.LessThan(wantMin) {
					wantMin, wantAt = v, day(j)
				}
			}
			gotMin, gotAt := s.MinFrom(x)
			if !gotMin.Equal(wantMin) || gotAt != wantAt {
				rt.Fatalf("MinFrom(%s) = %s on %s, model %s on %s", x, gotMin, gotAt, wantMin, wantAt)
			}

			// DatesFrom: sorted, ≥ x, every day whose total changes, and
			// only days that had a non-zero booking.
			got := s.DatesFrom(x)
			if !slices.IsSorted(got) {
				rt.Fatalf("DatesFrom(%s) not sorted: %v", x, got)
			}
			for k := 1; k < len(got); k++ {
				if got[k] == got[k-1] {
					rt.Fatalf("DatesFrom(%s) repeats %s", x, got[k])
				}
			}
			for _, g := range got {
				if g < x || !nonZero[g] {
					rt.Fatalf("DatesFrom(%s) lists %s", x, g)
				}
			}
			for j := i; j < span; j++ {
				y := day(j)
				if !m.at(y).Equal(m.at(y.Prev())) && !slices.Contains(got, y) {
					rt.Fatalf("DatesFrom(%s) misses %s, where the total changes", x, y)
				}
			}

			// Between over a window starting at x.
			to := day(min(span-1, i+rapid.IntRange(0, 40).Draw(rt, "len")))
			want := m.at(to).Sub(m.at(x.Prev()))
			if got := s.Between(x, to); !got.Equal(want) {
				rt.Fatalf("Between(%s, %s) = %s, model %s", x, to, got, want)
			}
		}
	})
}

// TestSeriesZeroValueUsable: a Series needs no constructor.
func TestSeriesZeroValueUsable(t *testing.T) {
	s := &Series{}
	s.Add(d("2023-01-01"), dec("1"))
	require.Len(t, s.points(), 1)
	assert.Equal(t, d("2023-01-01"), s.points()[0].Date)
	assert.True(t, s.points()[0].Total().Equal(dec("1")))
}

// TestCachedSeriesBeyondReach: a cache holding a total no ledger reaches
// (damaged) is refused when read, rather than overflowing a later Add;
// totals far beyond any real figure but within reach are kept.
func TestCachedSeriesBeyondReach(t *testing.T) {
	for _, tc := range []struct {
		total string
		ok    bool
	}{
		{"92233720368547758.07", true},            // 2^63−1 fen
		{"-1000000000000000000000000", true},      // −10^24 yuan, 2^86.7 fen
		{"3094850098213450687247810.55", true},    // 2^88−1 fen
		{"3094850098213450687247810.56", false},   // 2^88 fen
		{"-3094850098213450687247810.56", true},   // −2^88 fen
		{"-3094850098213450687247810.57", false},  // −2^88−1 fen
		{"396140812571321687967719751.68", false}, // 2^95 fen: beyond 96 bits
		{"99999999999999999999999999999999999999.00", false},
	} {
		var w Writer
		w.Uint(1) // one point
		w.Uint(uint64(d("2023-01-01")))
		w.Amount(dec(tc.total))
		body := w.Bytes()
		var rec Writer
		rec.Uint(uint64(len(body)))
		rec.Raw(body)
		r := NewReader(rec.Bytes())
		s := r.Series()
		require.NoError(t, r.Err(), tc.total)
		got := NewReader(s.encoded())
		pts := got.points()
		if tc.ok {
			require.NoError(t, got.Err(), tc.total)
			require.Len(t, pts, 1)
			assert.True(t, pts[0].Total().Equal(dec(tc.total)), tc.total)
			s.Add(d("2023-01-02"), dec("1000000000000000")) // no panic
		} else {
			assert.ErrorIs(t, got.Err(), ErrDamaged, tc.total)
		}
	}
}

// TestToFen: an amount as int64 fen exactly when it is whole fen (after
// rounding) strictly inside ±2^62 fen.
func TestToFen(t *testing.T) {
	for _, tc := range []struct {
		d    decimal.Decimal
		fen  int64
		fits bool
	}{
		{decimal.New(0, -2), 0, true},
		{decimal.New(1, -2), 1, true},
		{decimal.New(-1, -2), -1, true},
		{decimal.New(fenLimit-1, -2), fenLimit - 1, true},
		{decimal.New(-(fenLimit - 1), -2), -(fenLimit - 1), true},
		{decimal.New(fenLimit, -2), 0, false},
		{decimal.New(-fenLimit, -2), 0, false},
		{decimal.RequireFromString("1e30"), 0, false},
		{decimal.New(10, 0), 1000, true},
		{decimal.RequireFromString("1.005"), 101, true},
	} {
		fen, fits := toFen(tc.d)
		assert.Equal(t, tc.fits, fits, "%s", tc.d)
		if tc.fits {
			assert.Equal(t, tc.fen, fen, "%s", tc.d)
		}
	}
}
