package debt

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/debtledger/debtledger/quota"
	"github.com/shopspring/decimal"
)

// Violation is one broken rule found by a sweep of the whole state.
type Violation struct {
	Rule, Message string
}

// Violations re-proves rules 1 to 5 of SPEC §4 over the whole state, at
// every date, and reports every failure, not only the first. Write time
// refuses entries that would break them; this finds a state that does
// anyway (a journal written by something else, or a bug).
func (b *Book) Violations() []Violation {
	var out []Violation
	add := func(rule, format string, args ...any) {
		out = append(out, Violation{rule, fmt.Sprintf(format, args...)})
	}
	b.unpackAll()
	for _, u := range keysInOrder(b.Holdings, strings.Compare) {
		for _, bond := range keysInOrder(b.Holdings[u], strings.Compare) {
			h := b.Holdings[u][bond]
			if min, at := h.Principal.MinFrom(0); min.IsNegative() {
				add("balance", "%s owes %s of bond %s on %s", u, quota.Yi(min), bond, at)
			}
			if min, at := h.Free.MinFrom(0); min.IsNegative() {
				add("proceeds", "%s passed down, allocated or applied %s more of bond %s than it received net, on %s", u, quota.Yi(min.Neg()), bond, at)
			}
		}
	}
	units := keysInOrder(b.Quota.Units, strings.Compare)
	for _, u := range units {
		for _, kind := range quota.DebtKinds {
			if err := b.CheckLimit(u, kind, 0); err != nil {
				add("limit", "%v", err)
			}
		}
	}
	for _, k := range keysInOrder(b.Quota.Unused, grantOrder) {
		if min, at := b.Quota.Unused[k].MinFrom(0); min.IsNegative() {
			add("quota", "%s has %s more of %d %s bonds on-lent in than quota received, on %s", k.Unit, quota.Yi(min.Neg()), k.Year, k.Kind, at)
		}
	}
	for _, k := range keysInOrder(b.Quota.Passed, grantOrder) {
		rec, pass := quota.Figure(b.Quota.Received, k), b.Quota.Passed[k]
		for _, t := range pass.DatesFrom(0) {
			if pass.At(t).GreaterThan(rec.At(t)) {
				add("quota", "%s passed down %s of %d %s quota but received %s, on %s", k.Unit, quota.Yi(pass.At(t)), k.Year, k.Kind, quota.Yi(rec.At(t)), t)
				break
			}
		}
	}
	for _, k := range keysInOrder(b.Uses, func(x, y UseKey) int {
		return cmp.Or(strings.Compare(x.Bond, y.Bond), strings.Compare(x.Project, y.Project))
	}) {
		if min, at := b.Uses[k].Unspent.MinFrom(0); min.IsNegative() {
			add("spend", "project %s spent %s more of bond %s than allocated, on %s", k.Project, quota.Yi(min.Neg()), k.Bond, at)
		}
	}
	b.subtreeSums(func(unit, kind string, total, sum decimal.Decimal, at quota.Date) {
		add("balance", "%s's subtree %s principal is kept as %s but its units owe %s, on %s", unit, kind, quota.Yi(total), quota.Yi(sum), at)
	})
	for _, u := range keysInOrder(b.Hidden, strings.Compare) {
		if min, at := b.Hidden[u].Unresolved.MinFrom(0); min.IsNegative() {
			add("hidden", "%s resolved %s more hidden debt than its stock, on %s", u, quota.Yi(min.Neg()), at)
		}
	}
	return out
}

// grantOrder orders grant keys by unit, year, kind.
func grantOrder(x, y quota.GrantKey) int {
	return cmp.Or(strings.Compare(x.Unit, y.Unit), cmp.Compare(x.Year, y.Year), strings.Compare(x.Kind, y.Kind))
}

// keysInOrder lists a map's keys sorted by compare. (Comparing the keys'
// fields, rather than building a string per key and comparison, matters
// with a few hundred thousand holdings.)
func keysInOrder[K comparable, V any](m map[K]V, compare func(x, y K) int) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compare)
	return keys
}
