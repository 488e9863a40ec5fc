package quota

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// amt parses an amount literal such as "13.9亿".
func amt(s string) decimal.Decimal {
	a, err := ParseAmount(s)
	if err != nil {
		panic(err)
	}
	return a
}

// newTree is 6523 (root) with children 652301 and 652302, and 65230101
// under 652301.
func newTree(t *testing.T) *Book {
	t.Helper()
	b := NewBook()
	for _, r := range []Registration{
		{Code: "6523", Name: "昌吉州"},
		{Code: "652302", Name: "阜康市", Parent: "6523"},
		{Code: "652301", Name: "昌吉市", Parent: "6523"},
		{Code: "65230101", Name: "高新区", Parent: "652301"},
	} {
		require.NoError(t, b.Register(&r))
	}
	return b
}

// grant books a `quota` line.
func grant(b *Book, date, from, to string, year int, kind, amount string) (*Grant, error) {
	g := &Grant{Year: year, Kind: kind, To: to, From: from, Amount: amt(amount)}
	return g, b.Give(&Header{Date: d(date)}, g)
}

func mustGrant(t *testing.T, b *Book, date, from, to string, year int, kind, amount string) *Grant {
	t.Helper()
	g, err := grant(b, date, from, to, year, kind, amount)
	require.NoError(t, err)
	return g
}

func TestRegister(t *testing.T) {
	b := newTree(t)
	assert.Equal(t, "6523", b.Root)
	assert.Equal(t, []string{"652301", "652302"}, b.Units["6523"].Children, "children in code order")
	assert.Equal(t, []string{"6523", "652301", "65230101", "652302"}, b.Subtree("6523"))
	assert.Equal(t, []string{"652301", "65230101"}, b.Subtree("652301"))
	assert.True(t, b.IsParent("6523", "652301"))
	assert.False(t, b.IsParent("6523", "65230101"), "grandparent is not parent")
	assert.False(t, b.IsParent("652301", "6523"))
	assert.True(t, b.IsParent("", "6523"), "the superior (no code) is the root's parent")
	assert.True(t, b.InSubtree("6523", "65230101"))
	assert.True(t, b.InSubtree("652301", "652301"))
	assert.False(t, b.InSubtree("652302", "65230101"))
	assert.False(t, b.InSubtree("6523", "9999"))
	assert.True(t, b.Has("65230101"))
	assert.False(t, b.Has("9999"))

	tests := []struct {
		name string
		reg  Registration
		err  string
	}{
		{"second root", Registration{Code: "6524", Name: "x"}, "unit: 6524 has no parent, but the ledger already has its root 6523"},
		{"root code again as root", Registration{Code: "6523", Name: "x"}, "unit: 6523 is already registered"},
		{"root code again as child", Registration{Code: "6523", Name: "x", Parent: "652301"}, "unit: 6523 is already registered"},
		{"duplicate child", Registration{Code: "652301", Name: "x", Parent: "6523"}, "unit: 652301 is already registered"},
		{"duplicate under another parent", Registration{Code: "652301", Name: "x", Parent: "652302"}, "unit: 652301 is already registered"},
		{"missing parent", Registration{Code: "652399", Name: "x", Parent: "6599"}, "unit: parent 6599 of 652399 is not registered"},
		{"own parent", Registration{Code: "652399", Name: "x", Parent: "652399"}, "unit: parent 652399 of 652399 is not registered"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newTree(t)
			before := len(b.Units)
			refs := unitRefs(b)
			require.EqualError(t, b.Register(&tt.reg), tt.err)
			assert.Len(t, b.Units, before, "a refused registration adds nothing")
			assert.Equal(t, refs, unitRefs(b))
			assert.Equal(t, "6523", b.Root)
		})
	}

	// Codes are case-sensitive.
	require.NoError(t, b.Register(&Registration{Code: "652301a", Name: "x", Parent: "6523"}))
	require.NoError(t, b.Register(&Registration{Code: "652301A", Name: "x", Parent: "6523"}))
	assert.Equal(t, []string{"652301", "652301A", "652301a", "652302"}, b.Units["6523"].Children, "bytewise order")
}

func TestFirstUnitMustBeRoot(t *testing.T) {
	b := NewBook()
	require.EqualError(t, b.Register(&Registration{Code: "652301", Name: "x", Parent: "6523"}), "unit: parent 6523 of 652301 is not registered")
	assert.Equal(t, "", b.Root)
	require.NoError(t, b.Register(&Registration{Code: "6523", Name: "x"}))
}

func TestUnregister(t *testing.T) {
	b := newTree(t)
	leaf := &Registration{Code: "65230101", Name: "高新区", Parent: "652301"}
	mid := &Registration{Code: "652301", Name: "昌吉市", Parent: "6523"}

	require.EqualError(t, b.Unregister(mid), "reverse: unit 652301 is named by 1 other entries")
	require.NoError(t, b.Unregister(leaf))
	assert.False(t, b.Has("65230101"))
	assert.Empty(t, b.Units["652301"].Children)
	// Now nothing names 652301 and it can go too; then re-register.
	require.NoError(t, b.Unregister(mid))
	assert.Equal(t, []string{"652302"}, b.Units["6523"].Children)
	require.NoError(t, b.Register(mid))
	assert.Equal(t, []string{"652301", "652302"}, b.Units["6523"].Children)

	// An entry naming a unit pins it.
	_, err := b.Ref("limit", "652301")
	require.NoError(t, err)
	require.EqualError(t, b.Unregister(mid), "reverse: unit 652301 is named by 1 other entries")

	// The root alone can be unregistered, and a new root registered.
	b2 := NewBook()
	root := &Registration{Code: "6523", Name: "x"}
	require.NoError(t, b2.Register(root))
	require.NoError(t, b2.Unregister(root))
	assert.Equal(t, "", b2.Root)
	require.NoError(t, b2.Register(&Registration{Code: "6524", Name: "y"}))
	assert.Equal(t, "6524", b2.Root)
}

func TestRef(t *testing.T) {
	b := newTree(t)
	_, err := b.Ref("quota", "9999")
	require.EqualError(t, err, "quota: unit 9999 is not registered")
	for range 2 {
		u, err := b.Ref("quota", "652302")
		require.NoError(t, err)
		assert.Same(t, b.Units["652302"], u)
	}
	assert.Equal(t, 2, b.Units["652302"].Refs)
}

// unitRefs is every unit's reference count.
func unitRefs(b *Book) map[string]int {
	refs := map[string]int{}
	for code, u := range b.Units {
		refs[code] = u.Refs
	}
	return refs
}

// TestGiveStructure: who may grant quota to whom.
func TestGiveStructure(t *testing.T) {
	tests := []struct {
		name     string
		from, to string
		err      string
	}{
		{"superior to root", "", "6523", ""},
		{"root to child", "6523", "652301", ""},
		{"child to grandchild", "652301", "65230101", ""},
		{"superior to a child", "", "652301", "quota: 652301 is not the root; quota from the superior goes to 6523"},
		{"superior to a grandchild", "", "65230101", "quota: 65230101 is not the root; quota from the superior goes to 6523"},
		{"unregistered to", "6523", "652399", "quota: unit 652399 is not registered"},
		{"unregistered from", "6599", "652301", "quota: unit 6599 is not registered"},
		{"grandparent", "6523", "65230101", "quota: 6523 is not the parent of 65230101"},
		{"sibling", "652302", "652301", "quota: 652302 is not the parent of 652301"},
		{"upward", "652301", "6523", "quota: 652301 is not the parent of 6523"},
		{"to itself", "6523", "6523", "quota: 6523 is not the parent of 6523"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newTree(t)
			mustGrant(t, b, "2023-01-10", "", "6523", 2023, General, "10亿")
			mustGrant(t, b, "2023-01-11", "6523", "652301", 2023, General, "5亿")
			_, err := grant(b, "2023-02-01", tt.from, tt.to, 2023, General, "1亿")
			if tt.err == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tt.err)
		})
	}
}

// step is one line of a pass-down scenario: a grant, or the cancellation
// (reversal) of an earlier step's grant.
type step struct {
	date     string
	from, to string
	year     int
	kind     string
	amount   string
	take     int // 1-based index of an earlier step to cancel; 0 for a grant
	err      string
}

func runSteps(t *testing.T, b *Book, steps []step) {
	t.Helper()
	grants := make([]*Grant, len(steps))
	for i, s := range steps {
		var err error
		if s.take > 0 {
			err = b.Take(d(s.date), grants[s.take-1])
		} else {
			grants[i], err = grant(b, s.date, s.from, s.to, s.year, s.kind, s.amount)
		}
		if s.err == "" {
			require.NoError(t, err, "step %d", i+1)
			continue
		}
		require.Error(t, err, "step %d", i+1)
		assert.Contains(t, err.Error(), s.err, "step %d", i+1)
		return // a refused line leaves the book part-changed: the caller discards it
	}
}

func TestPassDown(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
	}{
		{"within what was received", []step{
			{date: "2023-01-10", to: "6523", year: 2023, kind: General, amount: "10亿"},
			{date: "2023-01-20", from: "6523", to: "652301", year: 2023, kind: General, amount: "8亿"},
			{date: "2023-01-25", from: "6523", to: "652302", year: 2023, kind: General, amount: "2亿"},
		}},
		{"beyond what was received", []step{
			{date: "2023-01-10", to: "6523", year: 2023, kind: General, amount: "10亿"},
			{date: "2023-01-20", from: "6523", to: "652301", year: 2023, kind: General, amount: "8亿"},
			{date: "2023-01-25", from: "6523", to: "652302", year: 2023, kind: General, amount: "3亿",
				err: "quota: 6523 would pass down 11亿 of 2023 general quota but received only 10亿 on 2023-01-25"},
		}},
		{"one fen beyond", []step{
			{date: "2023-01-10", to: "6523", year: 2023, kind: Special, amount: "10亿"},
			{date: "2023-01-20", from: "6523", to: "652301", year: 2023, kind: Special, amount: "1000000000.01",
				err: "quota: 6523 would pass down 10.0000000001亿 of 2023 special quota but received only 10亿 on 2023-01-20"},
		}},
		{"nothing received", []step{
			{date: "2023-01-20", from: "6523", to: "652301", year: 2023, kind: General, amount: "0.01",
				err: "received only 0亿 on 2023-01-20"},
		}},
		{"zero passed with nothing received", []step{
			{date: "2023-01-20", from: "6523", to: "652301", year: 2023, kind: General, amount: "0"},
		}},
		{"passed before it was received", []step{
			{date: "2023-01-10", to: "6523", year: 2023, kind: General, amount: "10亿"},
			{date: "2023-01-05", from: "6523", to: "652301", year: 2023, kind: General, amount: "1亿",
				err: "received only 0亿 on 2023-01-05"},
		}},
		{"passed on the day it was received", []step{
			{date: "2023-01-10", to: "6523", year: 2023, kind: General, amount: "10亿"},
			{date: "2023-01-10", from: "6523", to: "652301", year: 2023, kind: General, amount: "10亿"},
		}},
		{"other year does not count", []step{
			{date: "2023-01-10", to: "6523", year: 2023, kind: General, amount: "10亿"},
			{date: "2023-01-20", from: "6523", to: "652301", year: 2024, kind: General, amount: "1亿",
				err: "of 2024 general quota but received only 0亿"},
		}},
		{"other kind does not count", []step{
			{date: "2023-01-10", to: "6523", year: 2023, kind: General, amount: "10亿"},
			{date: "2023-01-20", from: "6523", to: "652301", year: 2023, kind: Refinancing, amount: "1亿",
				err: "of 2023 refinancing quota but received only 0亿"},
		}},
		{"advance quota: year independent of date", []step{
			{date: "2023-12-20", to: "6523", year: 2024, kind: General, amount: "10亿"},
			{date: "2023-12-25", from: "6523", to: "652301", year: 2024, kind: General, amount: "10亿"},
		}},
		{"grandchild within the child's receipt", []step{
			{date: "2023-01-10", to: "6523", year: 2023, kind: General, amount: "10亿"},
			{date: "2023-01-20", from: "6523", to: "652301", year: 2023, kind: General, amount: "4亿"},
			{date: "2023-01-21", from: "652301", to: "65230101", year: 2023, kind: General, amount: "4亿"},
			{date: "2023-01-22", from: "652301", to: "65230101", year: 2023, kind: General, amount: "0.01",
				err: "quota: 652301 would pass down 4.0000000001亿 of 2023 general quota but received only 4亿 on 2023-01-22"},
		}},
		// Back-dated lines are checked against every later date.
		{"cancelling the receipt before a later pass-down", []step{
			{date: "2023-01-10", to: "6523", year: 2023, kind: General, amount: "10亿"},
			{date: "2023-01-20", from: "6523", to: "652301", year: 2023, kind: General, amount: "8亿"},
			{date: "2023-01-15", take: 1,
				err: "quota: 6523 would pass down 8亿 of 2023 general quota but received only 0亿 on 2023-01-20"},
		}},
		{"cancelling the receipt after the pass-down", []step{
			{date: "2023-01-10", to: "6523", year: 2023, kind: General, amount: "10亿"},
			{date: "2023-01-20", from: "6523", to: "652301", year: 2023, kind: General, amount: "8亿"},
			{date: "2023-01-25", take: 1, err: "received only 0亿 on 2023-01-25"},
		}},
		{"cancelling one of two receipts", []step{
			{date: "2023-01-10", to: "6523", year: 2023, kind: General, amount: "10亿"},
			{date: "2023-01-30", to: "6523", year: 2023, kind: General, amount: "5亿"},
			{date: "2023-02-01", from: "6523", to: "652301", year: 2023, kind: General, amount: "12亿"},
			{date: "2023-01-15", take: 1, err: "would pass down 12亿 of 2023 general quota but received only 5亿 on 2023-02-01"},
		}},
		{"cancelling a receipt that leaves enough", []step{
			{date: "2023-01-10", to: "6523", year: 2023, kind: General, amount: "10亿"},
			{date: "2023-01-30", to: "6523", year: 2023, kind: General, amount: "5亿"},
			{date: "2023-02-01", from: "6523", to: "652301", year: 2023, kind: General, amount: "10亿"},
			{date: "2023-02-05", take: 2},
		}},
		{"back-dated pass-down breaks a later date", []step{
			{date: "2023-01-10", to: "6523", year: 2023, kind: General, amount: "10亿"},
			{date: "2023-01-30", to: "6523", year: 2023, kind: General, amount: "5亿"},
			{date: "2023-02-01", from: "6523", to: "652301", year: 2023, kind: General, amount: "12亿"},
			// On its own date (received 10, passed 3) it is fine; on 02-01
			// it makes 15 passed against 15 received, still fine...
			{date: "2023-01-25", from: "6523", to: "652302", year: 2023, kind: General, amount: "3亿"},
			// ...but one fen more breaks 02-01.
			{date: "2023-01-26", from: "6523", to: "652302", year: 2023, kind: General, amount: "0.01",
				err: "would pass down 15.0000000001亿 of 2023 general quota but received only 15亿 on 2023-02-01"},
		}},
		{"cancelling the child's receipt breaks its own pass-down", []step{
			{date: "2023-01-10", to: "6523", year: 2023, kind: General, amount: "10亿"},
			{date: "2023-01-20", from: "6523", to: "652301", year: 2023, kind: General, amount: "8亿"},
			{date: "2023-01-25", from: "652301", to: "65230101", year: 2023, kind: General, amount: "8亿"},
			{date: "2023-01-22", take: 2,
				err: "quota: 652301 would pass down 8亿 of 2023 general quota but received only 0亿 on 2023-01-25"},
		}},
		{"cancelling a pass-down is fine", []step{
			{date: "2023-01-10", to: "6523", year: 2023, kind: General, amount: "10亿"},
			{date: "2023-01-20", from: "6523", to: "652301", year: 2023, kind: General, amount: "8亿"},
			{date: "2023-01-22", take: 2},
			{date: "2023-01-23", from: "6523", to: "652302", year: 2023, kind: General, amount: "10亿"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runSteps(t, newTree(t), tt.steps)
		})
	}
}

// TestPassDownFigures: what the series hold after a valid scenario.
func TestPassDownFigures(t *testing.T) {
	b := newTree(t)
	mustGrant(t, b, "2023-01-10", "", "6523", 2023, General, "10亿")
	g := mustGrant(t, b, "2023-01-20", "6523", "652301", 2023, General, "8亿")
	mustGrant(t, b, "2023-01-25", "652301", "65230101", 2023, General, "3亿")
	require.NoError(t, b.Take(d("2023-02-01"), g.withAmount("5亿"))) // partial, as a test of Take's arithmetic

	root, child, grand := GrantKey{"6523", 2023, General}, GrantKey{"652301", 2023, General}, GrantKey{"65230101", 2023, General}
	check := func(m map[GrantKey]*Series, k GrantKey, date, want string) {
		t.Helper()
		got := Figure(m, k).At(d(date))
		assert.True(t, got.Equal(amt(want)), "%v on %s: got %s, want %s", k, date, got, want)
	}
	check(b.Received, root, "2023-01-09", "0")
	check(b.Received, root, "2023-01-10", "10亿")
	check(b.Passed, root, "2023-01-20", "8亿")
	check(b.Passed, root, "2023-02-01", "3亿")
	check(b.Received, child, "2023-01-20", "8亿")
	check(b.Received, child, "2023-02-01", "3亿")
	check(b.Passed, child, "2023-01-25", "3亿")
	check(b.Received, grand, "2023-01-25", "3亿")
	check(b.Passed, grand, "2023-12-31", "0")
	check(b.Unused, root, "2023-12-31", "10亿")
	check(b.Unused, child, "2023-12-31", "3亿")
	assert.Nil(t, b.Passed[GrantKey{"65230101", 2023, General}], "Figure does not create series")
}

func (g *Grant) withAmount(s string) *Grant {
	c := *g
	c.Amount = amt(s)
	return &c
}

// TestUseQuota: rule 3, principal on-lent into a unit ≤ quota received.
func TestUseQuota(t *testing.T) {
	b := newTree(t)
	mustGrant(t, b, "2023-01-10", "", "6523", 2023, General, "10亿")
	mustGrant(t, b, "2023-01-20", "6523", "652301", 2023, General, "8亿")

	// Passing quota down does not use it: the root may still take in 10亿
	// of bonds (it on-lends them on).
	require.NoError(t, b.UseQuota("6523", 2023, General, d("2023-02-01"), amt("6亿")))
	require.NoError(t, b.UseQuota("6523", 2023, General, d("2023-02-02"), amt("4亿")))
	err := b.UseQuota("6523", 2023, General, d("2023-02-03"), amt("0.01"))
	require.EqualError(t, err, "quota: 6523 would have 10.0000000001亿 of 2023 new general bonds on-lent in against 10亿 2023 general quota received on 2023-02-03")

	b = newTree(t)
	mustGrant(t, b, "2023-01-10", "", "6523", 2023, General, "10亿")
	err = b.UseQuota("6523", 2023, General, d("2023-01-09"), amt("1亿"))
	require.EqualError(t, err, "quota: 6523 would have 1亿 of 2023 new general bonds on-lent in against 0亿 2023 general quota received on 2023-01-09", "before the receipt")

	b = newTree(t)
	mustGrant(t, b, "2023-01-10", "", "6523", 2023, General, "10亿")
	require.NoError(t, b.UseQuota("6523", 2023, General, d("2023-02-01"), amt("6亿")))
	// Other years and kinds have their own quota.
	require.Error(t, b.UseQuota("6523", 2024, General, d("2023-02-01"), amt("0.01")))
	b = newTree(t)
	mustGrant(t, b, "2023-01-10", "", "6523", 2023, General, "10亿")
	require.NoError(t, b.UseQuota("6523", 2023, General, d("2023-02-01"), amt("6亿")))
	err = b.UseQuota("6523", 2023, Refinancing, d("2023-02-01"), amt("1亿"))
	require.EqualError(t, err, "quota: 6523 would have 1亿 of 2023 refinancing bonds on-lent in against 0亿 2023 refinancing quota received on 2023-02-01")

	// Cancelling the receipt after the quota was used is refused, from the
	// cancellation's date and at later dates.
	b = newTree(t)
	first := mustGrant(t, b, "2023-01-10", "", "6523", 2023, General, "10亿")
	require.NoError(t, b.UseQuota("6523", 2023, General, d("2023-02-01"), amt("6亿")))
	err = b.Take(d("2023-01-15"), first)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "would have 6亿 of 2023 new general bonds on-lent in against 0亿 2023 general quota received on 2023-02-01")

	// Cancelling a pass-down whose quota the child used is refused too.
	b = newTree(t)
	mustGrant(t, b, "2023-01-10", "", "6523", 2023, Special, "10亿")
	pass := mustGrant(t, b, "2023-01-20", "6523", "652301", 2023, Special, "8亿")
	require.NoError(t, b.UseQuota("652301", 2023, Special, d("2023-03-01"), amt("1亿")))
	err = b.Take(d("2023-02-01"), pass)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "quota: 652301 would have 1亿 of 2023 new special bonds")

	// A back-dated use is checked against later dates.
	b = newTree(t)
	mustGrant(t, b, "2023-01-10", "", "6523", 2023, General, "10亿")
	require.NoError(t, b.UseQuota("6523", 2023, General, d("2023-03-01"), amt("9亿")))
	require.NoError(t, b.UseQuota("6523", 2023, General, d("2023-02-01"), amt("1亿")))
	err = b.UseQuota("6523", 2023, General, d("2023-01-20"), amt("0.01"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "received on 2023-03-01")
}

// fakeExposure stands in for the debt side's rule-2 check.
type fakeExposure struct {
	calls []string
	fail  map[string]error // by unit
}

func (f *fakeExposure) CheckLimit(unit, kind string, from Date) error {
	f.calls = append(f.calls, unit+" "+kind+" "+from.String())
	return f.fail[unit]
}

func TestLimitFollowsQuota(t *testing.T) {
	b := newTree(t)
	exp := &fakeExposure{}
	b.SetExposure(exp)
	h := &Header{Date: d("2023-01-01")}
	require.NoError(t, b.SetLimit(h, &OpeningLimit{Unit: "6523", Kind: General, Amount: amt("100亿")}))
	assert.Empty(t, exp.calls, "raising a limit needs no exposure check")

	mustGrant(t, b, "2023-03-01", "", "6523", 2023, General, "10亿")
	assert.Equal(t, []string{"6523 general 2023-03-01"}, exp.calls)
	exp.calls = nil
	pass := mustGrant(t, b, "2023-04-01", "6523", "652301", 2023, General, "4亿")
	assert.Equal(t, []string{"6523 general 2023-04-01", "652301 general 2023-04-01"}, exp.calls, "the passer's limit falls")
	exp.calls = nil
	mustGrant(t, b, "2023-04-01", "", "6523", 2023, Refinancing, "50亿")
	mustGrant(t, b, "2023-04-02", "6523", "652301", 2023, Refinancing, "5亿")
	assert.Empty(t, exp.calls, "refinancing quota moves no limit")
	mustGrant(t, b, "2023-05-01", "", "6523", 2024, Special, "7亿")

	limit := func(unit, kind, date string) string {
		return FormatAmount(b.LimitSeries(unit, kind).At(d(date)))
	}
	assert.Equal(t, "0.00", limit("6523", General, "2022-12-31"))
	assert.Equal(t, "10000000000.00", limit("6523", General, "2023-02-28"))
	assert.Equal(t, "11000000000.00", limit("6523", General, "2023-03-01"))
	assert.Equal(t, "10600000000.00", limit("6523", General, "2023-04-01"))
	assert.Equal(t, "400000000.00", limit("652301", General, "2023-04-01"))
	assert.Equal(t, "0.00", limit("652301", General, "2023-03-31"))
	assert.Equal(t, "700000000.00", limit("6523", Special, "2023-05-01"), "all quota years count")
	assert.Nil(t, b.Limit[UnitKind{"6523", Refinancing}], "refinancing has no limit series")

	exp.calls = nil
	require.NoError(t, b.Take(d("2023-06-01"), pass))
	assert.Equal(t, []string{"6523 general 2023-06-01", "652301 general 2023-06-01"}, exp.calls)
	assert.Equal(t, "11000000000.00", limit("6523", General, "2023-06-01"))
	assert.Equal(t, "0.00", limit("652301", General, "2023-06-01"))
	assert.Equal(t, "400000000.00", limit("652301", General, "2023-05-31"), "history is kept")
}

func TestExposureRefuses(t *testing.T) {
	over := errors.New("limit: 652301 outstanding above limit")
	b := newTree(t)
	mustGrant(t, b, "2023-01-10", "", "6523", 2023, General, "10亿")
	pass := mustGrant(t, b, "2023-01-20", "6523", "652301", 2023, General, "4亿")

	b.SetExposure(&fakeExposure{fail: map[string]error{"652301": over}})
	// Cancelling the pass-down lowers 652301's limit: the debt side refuses.
	require.ErrorIs(t, b.Take(d("2023-02-01"), pass), over)

	b = newTree(t)
	mustGrant(t, b, "2023-01-10", "", "6523", 2023, General, "10亿")
	b.SetExposure(&fakeExposure{fail: map[string]error{"6523": over}})
	// Passing down lowers the root's limit.
	_, err := grant(b, "2023-01-20", "6523", "652301", 2023, General, "4亿")
	require.ErrorIs(t, err, over)
	// Refinancing quota is not checked against limits.
	mustGrant(t, b, "2023-01-10", "", "6523", 2023, Refinancing, "10亿")
}

func TestSetLimit(t *testing.T) {
	tests := []struct {
		name  string
		setup func(b *Book)
		unit  string
		kind  string
		err   string
	}{
		{"first", nil, "6523", General, ""},
		{"once only", func(b *Book) {
			require.NoError(t, b.SetLimit(&Header{Date: d("2023-01-01")}, &OpeningLimit{Unit: "6523", Kind: General, Amount: amt("1")}))
		}, "6523", General, "limit: 6523 general opening limit is already recorded (once only)"},
		{"other kind is separate", func(b *Book) {
			require.NoError(t, b.SetLimit(&Header{Date: d("2023-01-01")}, &OpeningLimit{Unit: "6523", Kind: General, Amount: amt("1")}))
		}, "6523", Special, ""},
		{"other unit is separate", func(b *Book) {
			require.NoError(t, b.SetLimit(&Header{Date: d("2023-01-01")}, &OpeningLimit{Unit: "6523", Kind: General, Amount: amt("1")}))
		}, "652301", General, ""},
		{"unregistered unit", nil, "6599", General, "limit: unit 6599 is not registered"},
		{"after a bond event", func(b *Book) { b.Units["652301"].BondEvents = true },
			"652301", General, "limit: 652301 already has bond entries; its opening limit must come before them"},
		{"bond event of another unit", func(b *Book) { b.Units["652302"].BondEvents = true }, "652301", Special, ""},
		{"bond event of the parent", func(b *Book) { b.Units["6523"].BondEvents = true }, "652301", General, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newTree(t)
			if tt.setup != nil {
				tt.setup(b)
			}
			err := b.SetLimit(&Header{Date: d("2023-02-01")}, &OpeningLimit{Unit: tt.unit, Kind: tt.kind, Amount: amt("30亿")})
			if tt.err != "" {
				require.EqualError(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "3000000000.00", FormatAmount(b.LimitSeries(tt.unit, tt.kind).At(d("2023-02-01"))))
			assert.True(t, b.LimitSeries(tt.unit, tt.kind).At(d("2023-01-31")).IsZero())
		})
	}
}

func TestReverseLimit(t *testing.T) {
	b := newTree(t)
	exp := &fakeExposure{}
	b.SetExposure(exp)
	l := &OpeningLimit{Unit: "652301", Kind: Special, Amount: amt("30亿")}
	require.NoError(t, b.SetLimit(&Header{Date: d("2023-01-01")}, l))
	require.NoError(t, b.ReverseLimit(d("2023-03-01"), l))
	assert.Equal(t, []string{"652301 special 2023-03-01"}, exp.calls, "a falling limit is checked")

	series := b.LimitSeries("652301", Special)
	assert.Equal(t, "3000000000.00", FormatAmount(series.At(d("2023-02-28"))))
	assert.True(t, series.At(d("2023-03-01")).IsZero())

	again := &OpeningLimit{Unit: "652301", Kind: Special, Amount: amt("25亿")}
	err := b.SetLimit(&Header{Date: d("2023-02-28")}, again)
	require.EqualError(t, err, "limit: 652301 special opening limit dated 2023-02-28, before the reversal of the earlier one on 2023-03-01")
	require.NoError(t, b.SetLimit(&Header{Date: d("2023-03-01")}, again), "dated on the reversal's own date")
	assert.Equal(t, "2500000000.00", FormatAmount(series.At(d("2023-03-01"))))
	err = b.SetLimit(&Header{Date: d("2023-04-01")}, again)
	require.EqualError(t, err, "limit: 652301 special opening limit is already recorded (once only)")

	// After a reversal the ordering rule still applies.
	require.NoError(t, b.ReverseLimit(d("2023-05-01"), again))
	b.Units["652301"].BondEvents = true
	err = b.SetLimit(&Header{Date: d("2023-06-01")}, again)
	require.EqualError(t, err, "limit: 652301 already has bond entries; its opening limit must come before them")

	// A refused exposure check refuses the reversal.
	over := errors.New("over the limit")
	b2 := newTree(t)
	b2.SetExposure(&fakeExposure{fail: map[string]error{"6523": over}})
	l2 := &OpeningLimit{Unit: "6523", Kind: General, Amount: amt("1亿")}
	require.NoError(t, b2.SetLimit(&Header{Date: d("2023-01-01")}, l2))
	require.ErrorIs(t, b2.ReverseLimit(d("2023-02-01"), l2), over)
}

func TestOnceOnly(t *testing.T) {
	o := OnceOnly{}
	require.NoError(t, o.Claim("k", d("2023-01-10"), "budget", "6523 2023 budget"))
	require.EqualError(t, o.Claim("k", d("2023-01-10"), "budget", "6523 2023 budget"), "budget: 6523 2023 budget is already recorded (once only)")
	require.EqualError(t, o.Claim("k", d("2024-01-10"), "budget", "x"), "budget: x is already recorded (once only)", "live whatever the date")
	require.NoError(t, o.Claim("other", d("2023-01-01"), "budget", "y"))

	o.Release("k", d("2023-03-01"))
	require.EqualError(t, o.Claim("k", d("2023-02-28"), "budget", "x"), "budget: x dated 2023-02-28, before the reversal of the earlier one on 2023-03-01")
	require.EqualError(t, o.Claim("k", d("2023-01-01"), "budget", "x"), "budget: x dated 2023-01-01, before the reversal of the earlier one on 2023-03-01")
	require.NoError(t, o.Claim("k", d("2023-03-01"), "budget", "x"), "on the reversal date")
	require.Error(t, o.Claim("k", d("2023-03-02"), "budget", "x"), "live again")

	o.Release("k", d("2023-05-01"))
	require.NoError(t, o.Claim("k", d("2023-12-31"), "budget", "x"), "after the reversal")
}

func TestStatus(t *testing.T) {
	b := newTree(t)
	require.NoError(t, b.SetLimit(&Header{Date: d("2023-01-01")}, &OpeningLimit{Unit: "6523", Kind: General, Amount: amt("100亿")}))
	mustGrant(t, b, "2023-01-10", "", "6523", 2023, General, "10亿")
	mustGrant(t, b, "2023-01-20", "6523", "652301", 2023, General, "4亿")
	mustGrant(t, b, "2023-02-01", "", "6523", 2023, Refinancing, "3亿")
	require.NoError(t, b.UseQuota("6523", 2023, General, d("2023-02-10"), amt("6亿")))
	require.NoError(t, b.UseQuota("652301", 2023, General, d("2023-02-10"), amt("1.5亿")))

	lines := b.Status("6523", 2023, d("2023-12-31"))
	require.Len(t, lines, 3)
	assert.Equal(t, []string{General, Special, Refinancing}, []string{lines[0].Kind, lines[1].Kind, lines[2].Kind})
	g := lines[0]
	assert.Equal(t, "1000000000.00", FormatAmount(g.Received.Decimal))
	assert.Equal(t, "400000000.00", FormatAmount(g.PassedDown.Decimal))
	assert.Equal(t, "600000000.00", FormatAmount(g.Own.Decimal))
	assert.Equal(t, "600000000.00", FormatAmount(g.Used.Decimal))
	assert.Equal(t, "400000000.00", FormatAmount(g.Remaining.Decimal))
	require.NotNil(t, g.Limit)
	assert.Equal(t, "10600000000.00", FormatAmount(g.Limit.Decimal))
	assert.Nil(t, lines[2].Limit, "refinancing has no limit")
	assert.Equal(t, "300000000.00", FormatAmount(lines[2].Received.Decimal))
	assert.Nil(t, g.Balance, "the debt side fills in balances")

	child := b.Status("652301", 2023, d("2023-12-31"))[0]
	assert.Equal(t, "400000000.00", FormatAmount(child.Received.Decimal))
	assert.Equal(t, "150000000.00", FormatAmount(child.Used.Decimal))
	assert.Equal(t, "250000000.00", FormatAmount(child.Remaining.Decimal))
	assert.Equal(t, "400000000.00", FormatAmount(child.Limit.Decimal))

	// As of a date before the lines, or another year: zeros.
	early := b.Status("6523", 2023, d("2023-01-09"))[0]
	assert.True(t, early.Received.IsZero())
	assert.Equal(t, "10000000000.00", FormatAmount(early.Limit.Decimal))
	for _, l := range b.Status("6523", 2024, d("2023-12-31")) {
		assert.True(t, l.Received.IsZero() && l.Used.IsZero() && l.Remaining.IsZero(), l.Kind)
	}
}

// quotaModel keeps every accepted booking of grants and quota use.
type quotaModel struct {
	received, passed, used map[GrantKey]seriesModel
}

func (m *quotaModel) add(s map[GrantKey]seriesModel, k GrantKey, d Date, v decimal.Decimal) {
	s[k] = append(s[k], struct {
		date  Date
		delta decimal.Decimal
	}{d, v})
}

// valid: rule "passed ≤ received" and rule 3 "used ≤ received" at the end
// of every day, for every key.
func (m *quotaModel) valid(dates []Date) bool {
	keys := map[GrantKey]bool{}
	for _, s := range []map[GrantKey]seriesModel{m.received, m.passed, m.used} {
		for k := range s {
			keys[k] = true
		}
	}
	for k := range keys {
		for _, x := range dates {
			r := m.received[k].at(x)
			if m.passed[k].at(x).GreaterThan(r) || m.used[k].at(x).GreaterThan(r) {
				return false
			}
		}
	}
	return true
}

// TestQuotaRulesModel: random grants, cancellations (reversals, dated no
// earlier than the grant) and quota use in a three-level tree. Each line is
// accepted exactly when the naive model says the rules hold on every day
// afterwards; a refused line leaves the book part-changed, so the book is
// rebuilt from the accepted lines, as the ledger does.
func TestQuotaRulesModel(t *testing.T) {
	type op struct {
		kind   string // give, take, use
		date   Date
		g      *Grant
		unit   string
		year   int
		qkind  string
		amount decimal.Decimal
	}
	edges := [][2]string{{"", "6523"}, {"6523", "652301"}, {"6523", "652302"}, {"652301", "65230101"}}
	units := []string{"6523", "652301", "652302", "65230101"}
	var days []Date
	for x := d("2023-01-01"); x <= d("2023-03-31"); x = DateOf(timeOf(x).AddDate(0, 0, 1)) {
		days = append(days, x)
	}

	replay := func(rt *rapid.T, ops []op) *Book {
		b := NewBook()
		for _, r := range []Registration{{Code: "6523", Name: "x"}, {Code: "652301", Name: "x", Parent: "6523"}, {Code: "652302", Name: "x", Parent: "6523"}, {Code: "65230101", Name: "x", Parent: "652301"}} {
			if err := b.Register(&r); err != nil {
				rt.Fatal(err)
			}
		}
		for _, o := range ops {
			var err error
			switch o.kind {
			case "give":
				err = b.Give(&Header{Date: o.date}, o.g)
			case "take":
				err = b.Take(o.date, o.g)
			case "use":
				err = b.UseQuota(o.unit, o.year, o.qkind, o.date, o.amount)
			}
			if err != nil {
				rt.Fatalf("replaying accepted lines: %v", err)
			}
		}
		return b
	}

	seen := map[string]int{} // outcomes, to show the test reaches both sides
	rapid.Check(t, func(rt *rapid.T) {
		var accepted []op
		var gives []*Grant // accepted and not yet cancelled
		giveDate := map[*Grant]Date{}
		m := &quotaModel{map[GrantKey]seriesModel{}, map[GrantKey]seriesModel{}, map[GrantKey]seriesModel{}}
		b := replay(rt, nil)

		n := rapid.IntRange(1, 30).Draw(rt, "n")
		for i := 0; i < n; i++ {
			year := rapid.SampledFrom([]int{2023, 2023, 2023, 2024}).Draw(rt, "year")
			kind := rapid.SampledFrom([]string{General, Refinancing}).Draw(rt, "kind")
			amount := decimal.NewFromInt(int64(rapid.IntRange(0, 10).Draw(rt, "amount")))
			date := days[rapid.IntRange(0, len(days)-1).Draw(rt, "day")]

			trial := &quotaModel{cloneModel(m.received), cloneModel(m.passed), cloneModel(m.used)}
			var o op
			switch action := rapid.IntRange(0, 6).Draw(rt, "action"); {
			case action <= 2:
				// From the superior half the time, so that there is quota to pass on.
				e := edges[rapid.SampledFrom([]int{0, 0, 0, 1, 2, 3}).Draw(rt, "edge")]
				o = op{kind: "give", date: date, g: &Grant{Year: year, Kind: kind, From: e[0], To: e[1], Amount: amount}}
				bookModel(trial, o.g, date, amount)
			case action <= 4 && len(gives) > 0:
				j := rapid.IntRange(0, len(gives)-1).Draw(rt, "which")
				g := gives[j]
				// A reversal is dated no earlier than the original.
				if date < giveDate[g] {
					date = giveDate[g]
				}
				o = op{kind: "take", date: date, g: g}
				bookModel(trial, g, date, g.Amount.Neg())
			default:
				unit := units[rapid.IntRange(0, len(units)-1).Draw(rt, "unit")]
				amount = decimal.NewFromInt(int64(rapid.IntRange(0, 4).Draw(rt, "use")))
				o = op{kind: "use", date: date, unit: unit, year: year, qkind: kind, amount: amount}
				trial.add(trial.used, GrantKey{unit, year, kind}, date, amount)
			}

			var err error
			switch o.kind {
			case "give":
				err = b.Give(&Header{Date: o.date}, o.g)
			case "take":
				err = b.Take(o.date, o.g)
			case "use":
				err = b.UseQuota(o.unit, o.year, o.qkind, o.date, o.amount)
			}
			want := trial.valid(days)
			if (err == nil) != want {
				rt.Fatalf("%s %+v on %s: got err=%v, model says valid=%v", o.kind, o.g, o.date, err, want)
			}
			seen[fmt.Sprintf("%s %v", o.kind, err == nil)]++
			if err != nil {
				b = replay(rt, accepted)
				continue
			}
			accepted = append(accepted, o)
			m = trial
			switch o.kind {
			case "give":
				gives = append(gives, o.g)
				giveDate[o.g] = o.date
			case "take":
				gives = slices.DeleteFunc(gives, func(g *Grant) bool { return g == o.g })
			}
		}
		// The book's figures equal the model's on every day.
		for k, s := range m.received {
			for _, x := range days {
				if !Figure(b.Received, k).At(x).Equal(s.at(x)) {
					rt.Fatalf("received %v on %s", k, x)
				}
				unused := s.at(x).Sub(m.used[k].at(x))
				if !Figure(b.Unused, k).At(x).Equal(unused) {
					rt.Fatalf("unused %v on %s: %s, model %s", k, x, Figure(b.Unused, k).At(x), unused)
				}
			}
		}
	})
	for _, outcome := range []string{"give true", "give false", "take true", "take false", "use true", "use false"} {
		assert.Positive(t, seen[outcome], "no %q line in the whole run: %v", outcome, seen)
	}
	t.Logf("outcomes: %v", seen)
}

func bookModel(m *quotaModel, g *Grant, date Date, v decimal.Decimal) {
	m.add(m.received, GrantKey{g.To, g.Year, g.Kind}, date, v)
	if g.From != "" {
		m.add(m.passed, GrantKey{g.From, g.Year, g.Kind}, date, v)
	}
}

func cloneModel(s map[GrantKey]seriesModel) map[GrantKey]seriesModel {
	out := make(map[GrantKey]seriesModel, len(s))
	for k, v := range s {
		out[k] = slices.Clone(v)
	}
	return out
}

func timeOf(x Date) time.Time {
	return time.Date(x.Year(), time.Month(x.Month()), x.Day(), 0, 0, 0, 0, time.UTC)
}
