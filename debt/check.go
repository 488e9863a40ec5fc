package debt

import (
	"fmt"
	"sort"

	"github.com/debtledger/debtledger/quota"
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
	for _, k := range keysInOrder(b.Holdings, func(k HoldingKey) string { return k.Bond + "\x00" + k.Unit }) {
		h := b.Holdings[k]
		if min, at := h.Principal.MinFrom(0); min.IsNegative() {
			add("balance", "%s owes %s of bond %s on %s", k.Unit, quota.Yi(min), k.Bond, at)
		}
		if min, at := h.Free.MinFrom(0); min.IsNegative() {
			add("proceeds", "%s passed down, allocated or applied %s more of bond %s than it received net, on %s", k.Unit, quota.Yi(min.Neg()), k.Bond, at)
		}
	}
	units := keysInOrder(b.Quota.Units, func(u string) string { return u })
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
	for _, k := range keysInOrder(b.Uses, func(k UseKey) string { return k.Bond + "\x00" + k.Project }) {
		if min, at := b.Uses[k].Unspent.MinFrom(0); min.IsNegative() {
			add("spend", "project %s spent %s more of bond %s than allocated, on %s", k.Project, quota.Yi(min.Neg()), k.Bond, at)
		}
	}
	for _, u := range keysInOrder(b.Hidden, func(u string) string { return u }) {
		if min, at := b.Hidden[u].Unresolved.MinFrom(0); min.IsNegative() {
			add("hidden", "%s resolved %s more hidden debt than its stock, on %s", u, quota.Yi(min.Neg()), at)
		}
	}
	return out
}

func grantOrder(k quota.GrantKey) string {
	return fmt.Sprintf("%s\x00%04d\x00%s", k.Unit, k.Year, k.Kind)
}

func keysInOrder[K comparable, V any](m map[K]V, order func(K) string) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return order(keys[i]) < order(keys[j]) })
	return keys
}
