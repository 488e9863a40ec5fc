package quota

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// d is a test date literal.
func d(s string) Date {
	dt, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return dt
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want Date
		err  string
	}{
		{"2023-01-01", 20230101, ""},
		{"2023-12-31", 20231231, ""},
		{"2024-02-29", 20240229, ""}, // leap year
		{"2000-02-29", 20000229, ""}, // divisible by 400
		{"2023-02-28", 20230228, ""},
		{"2023-04-30", 20230430, ""},
		{"0001-01-01", 10101, ""},
		{"9999-12-31", 99991231, ""},

		{"2023-02-29", 0, "not a calendar date"},
		{"1900-02-29", 0, "not a calendar date"}, // divisible by 100
		{"2024-02-30", 0, "not a calendar date"},
		{"2023-04-31", 0, "not a calendar date"},
		{"2023-13-01", 0, "not a calendar date"},
		{"2023-00-01", 0, "not a calendar date"},
		{"2023-01-00", 0, "not a calendar date"},
		{"2023-01-32", 0, "not a calendar date"},
		{"0000-01-01", 0, "not a calendar date"},

		{"2023-1-01", 0, "want YYYY-MM-DD"},
		{"2023-01-1", 0, "want YYYY-MM-DD"},
		{"23-01-01", 0, "want YYYY-MM-DD"},
		{"02023-01-01", 0, "want YYYY-MM-DD"},
		{"2023-01-01T00", 0, "want YYYY-MM-DD"},
		{"2023-01-01T00:00:00Z", 0, "want YYYY-MM-DD"},
		{"2023-01-01 ", 0, "want YYYY-MM-DD"},
		{" 2023-01-01", 0, "want YYYY-MM-DD"},
		{"2023/01/01", 0, "want YYYY-MM-DD"},
		{"20230101", 0, "want YYYY-MM-DD"},
		{"2023-01", 0, "want YYYY-MM-DD"},
		{"2023-0a-01", 0, "want YYYY-MM-DD"},
		{"-023-01-01", 0, "want YYYY-MM-DD"},
		{"+023-01-01", 0, "want YYYY-MM-DD"},
		{"2023-+1-01", 0, "want YYYY-MM-DD"},
		{"２０２３-01-01", 0, "want YYYY-MM-DD"},
		{"2023年1月1日", 0, "want YYYY-MM-DD"},
		{"", 0, "want YYYY-MM-DD"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				assert.Contains(t, err.Error(), "date "+q(tt.in))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.in, got.String())
		})
	}
}

func TestDateParts(t *testing.T) {
	x := NewDate(2024, 2, 29)
	assert.Equal(t, Date(20240229), x)
	assert.Equal(t, 2024, x.Year())
	assert.Equal(t, 2, x.Month())
	assert.Equal(t, 29, x.Day())
	assert.Equal(t, "2024-02-29", x.String())
	assert.Equal(t, NewPeriod(2024, 2), x.Period())
	assert.Equal(t, "0001-01-01", NewDate(1, 1, 1).String())

	// Integer order is calendar order; NoDate is after every real date.
	assert.Less(t, d("2023-12-31"), d("2024-01-01"))
	assert.Less(t, d("2024-01-31"), d("2024-02-01"))
	assert.Less(t, d("9999-12-31"), NoDate)
}

func TestDateOf(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	// 2023-12-31 20:00 UTC is already 2024-01-01 in Urumqi/Beijing time.
	at := time.Date(2023, 12, 31, 20, 0, 0, 0, time.UTC)
	assert.Equal(t, d("2023-12-31"), DateOf(at))
	assert.Equal(t, d("2024-01-01"), DateOf(at.In(shanghai)))
}

func TestAddMonths(t *testing.T) {
	tests := []struct {
		from string
		k    int
		want string
	}{
		{"2023-08-31", 6, "2024-02-29"}, // coupon date clamped, leap year
		{"2022-08-31", 6, "2023-02-28"},
		{"2023-01-31", 1, "2023-02-28"},
		{"2024-01-31", 1, "2024-02-29"},
		{"2023-01-31", 2, "2023-03-31"}, // clamping is per call, not sticky
		{"2023-03-31", 1, "2023-04-30"},
		{"2023-05-31", 1, "2023-06-30"},
		{"2023-03-31", 12, "2024-03-31"},
		{"2023-03-31", 24, "2025-03-31"},
		{"2023-03-31", 120, "2033-03-31"},
		{"2024-02-29", 12, "2025-02-28"},
		{"2024-02-29", 48, "2028-02-29"},
		{"2023-12-15", 1, "2024-01-15"},
		{"2023-11-30", 3, "2024-02-29"},
		{"2023-06-15", 0, "2023-06-15"},
		{"2023-06-15", 6, "2023-12-15"},
		{"2023-06-15", 7, "2024-01-15"},
		{"2023-01-15", -1, "2022-12-15"},
		{"2023-03-31", -1, "2023-02-28"},
		{"2024-03-31", -1, "2024-02-29"},
		{"2023-03-31", -12, "2022-03-31"},
		{"2024-02-29", -12, "2023-02-28"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, d(tt.from).AddMonths(tt.k).String(), "%s %+d months", tt.from, tt.k)
	}
	// Twelve months k times from a month end that exists every year.
	x := d("2023-03-31")
	for k := 1; k <= 30; k++ {
		assert.Equal(t, NewDate(2023+k, 3, 31), x.AddMonths(12*k))
	}
}

func TestPrev(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2023-06-15", "2023-06-14"},
		{"2023-06-01", "2023-05-31"},
		{"2023-05-01", "2023-04-30"},
		{"2023-03-01", "2023-02-28"},
		{"2024-03-01", "2024-02-29"},
		{"2024-01-01", "2023-12-31"},
		{"2000-03-01", "2000-02-29"},
		{"1900-03-01", "1900-02-28"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, d(tt.in).Prev().String(), tt.in)
	}
}

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in   string
		want Period
		err  string
	}{
		{"2023-01", 202301, ""},
		{"2023-12", 202312, ""},
		{"0001-01", 101, ""},
		{"2023-00", 0, "not a month"},
		{"2023-13", 0, "not a month"},
		{"0000-01", 0, "not a month"},
		{"2023-1", 0, "want YYYY-MM"},
		{"23-01", 0, "want YYYY-MM"},
		{"2023-01-01", 0, "want YYYY-MM"},
		{"202301", 0, "want YYYY-MM"},
		{"2023/01", 0, "want YYYY-MM"},
		{"2023-0a", 0, "want YYYY-MM"},
		{"2023-+1", 0, "want YYYY-MM"},
		{" 2023-01", 0, "want YYYY-MM"},
		{"", 0, "want YYYY-MM"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParsePeriod(tt.in)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				assert.Contains(t, err.Error(), "period "+q(tt.in))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.in, got.String())
		})
	}
}

func TestPeriod(t *testing.T) {
	tests := []struct {
		p                 string
		first, last, next string
		year, month       int
	}{
		{"2023-01", "2023-01-01", "2023-01-31", "2023-02", 2023, 1},
		{"2023-02", "2023-02-01", "2023-02-28", "2023-03", 2023, 2},
		{"2024-02", "2024-02-01", "2024-02-29", "2024-03", 2024, 2},
		{"2023-04", "2023-04-01", "2023-04-30", "2023-05", 2023, 4},
		{"2023-11", "2023-11-01", "2023-11-30", "2023-12", 2023, 11},
		{"2023-12", "2023-12-01", "2023-12-31", "2024-01", 2023, 12},
	}
	for _, tt := range tests {
		p, err := ParsePeriod(tt.p)
		require.NoError(t, err)
		assert.Equal(t, tt.first, p.First().String(), tt.p)
		assert.Equal(t, tt.last, p.Last().String(), tt.p)
		assert.Equal(t, tt.next, p.Next().String(), tt.p)
		assert.Equal(t, tt.year, p.Year())
		assert.Equal(t, tt.month, p.Month())
		assert.Equal(t, p, p.First().Period())
		assert.Equal(t, p, p.Last().Period())
		// The day after Last is the next period's First.
		assert.Equal(t, p.Last(), p.Next().First().Prev(), tt.p)
	}
}

// TestDateProperties compares the packed dates with time.Time.
func TestDateProperties(t *testing.T) {
	genDate := rapid.Custom(func(t *rapid.T) time.Time {
		days := rapid.IntRange(0, 200*366).Draw(t, "days")
		return time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days)
	})
	rapid.Check(t, func(rt *rapid.T) {
		tm := genDate.Draw(rt, "date")
		x := DateOf(tm)

		// String and ParseDate round-trip.
		back, err := ParseDate(x.String())
		if err != nil || back != x {
			rt.Fatalf("ParseDate(%s) = %v, %v", x, back, err)
		}
		if x.String() != tm.Format("2006-01-02") {
			rt.Fatalf("String %s, time says %s", x, tm.Format("2006-01-02"))
		}
		// Prev is the day before.
		if got, want := x.Prev(), DateOf(tm.AddDate(0, 0, -1)); got != want {
			rt.Fatalf("%s.Prev() = %s, want %s", x, got, want)
		}
		// Order is calendar order.
		tm2 := genDate.Draw(rt, "other")
		if (x < DateOf(tm2)) != tm.Before(tm2) {
			rt.Fatalf("order of %s and %s", x, DateOf(tm2))
		}
		// AddMonths: same day in the target month, clamped to its end.
		k := rapid.IntRange(-240, 240).Draw(rt, "k")
		first := time.Date(tm.Year(), tm.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, k, 0)
		last := first.AddDate(0, 1, -1).Day()
		want := NewDate(first.Year(), int(first.Month()), min(tm.Day(), last))
		if got := x.AddMonths(k); got != want {
			rt.Fatalf("%s.AddMonths(%d) = %s, want %s", x, k, got, want)
		}
		// Period arithmetic.
		p := x.Period()
		if !(p.First() <= x && x <= p.Last()) {
			rt.Fatalf("%s not within %s", x, p)
		}
		if p.Next().First().Prev() != p.Last() {
			rt.Fatalf("%s: Next().First().Prev() != Last()", p)
		}
	})
}
