package quota

import "fmt"

// OnceOnly tracks entries that may be given once per key (limit, opening,
// hidden_plan, budget). A key maps to 0 while its entry is live, or to the
// date of its reversal, after which it may be given again, dated no
// earlier than that reversal.
type OnceOnly map[string]Date

// Claim takes key for an entry dated d.
func (o OnceOnly) Claim(key string, d Date, rule, what string) error {
	reversedAt, seen := o[key]
	switch {
	case seen && reversedAt == 0:
		return fmt.Errorf("%s: %s is already recorded (once only)", rule, what)
	case seen && d < reversedAt:
		return fmt.Errorf("%s: %s dated %s, before the reversal of the earlier one on %s", rule, what, d, reversedAt)
	}
	o[key] = 0
	return nil
}

// OnceOf is a unit's once-only keys.
func (b *Book) OnceOf(unit string) OnceOnly {
	o := b.Once[unit]
	if o == nil {
		o = OnceOnly{}
		b.Once[unit] = o
	}
	return o
}

// Release frees key after a reversal dated d.
func (o OnceOnly) Release(key string, d Date) { o[key] = d }
